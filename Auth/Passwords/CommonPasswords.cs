using Zxcvbn.Matcher;

namespace MiniAuth.Auth.Passwords;

// The "passwords" frequency list that zxcvbn-core ships (30,000 of the most used passwords,
// from Dropbox's zxcvbn), matched case-insensitively and with its common l33t spellings
// ("p@ssw0rd"). Only a match of the whole password counts: "password" inside a long passphrase
// is fine.
public sealed class CommonPasswords
{
    // Longer than any entry of the list: such a password cannot be on it, and skipping the
    // matcher keeps its cost bounded for a 256-character input.
    const int LongestListed = 64;

    readonly Lazy<IMatcher[]> _matchers = new(() =>
    {
        var list = new DictionaryMatcher("passwords", "passwords.lst");
        return [list, new L33tMatcher(list)];
    });

    public bool IsCommon(string password) =>
        password.Length <= LongestListed
        && _matchers.Value.Any(m => m.MatchPassword(password).Any(match => match.i == 0 && match.j == password.Length - 1));
}
