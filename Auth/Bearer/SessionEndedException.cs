namespace MiniAuth.Auth.Bearer;

// An access token that verified, whose session has ended; the message says why.
public sealed class SessionEndedException(string message) : Exception(message);
