using MiniAuth.Storage;

namespace MiniAuth.Auth.SignIn;

// A login whose password was right, waiting for its second factor. VerifiedHash: the hash the
// password verified against, so the second step can tell that the password changed meanwhile.
// Methods: what may complete it (MfaMethods).
public sealed record PendingSecondFactor(UserRecord User, string VerifiedHash, IReadOnlyList<string> Methods);
