namespace MiniAuth.Auth.Passwords;

// What a verification found; a rehash is due when the hash was made with other parameters.
public enum PasswordCheck { Failed, Succeeded, SucceededNeedsRehash }
