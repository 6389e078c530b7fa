using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.Bearer;

// An access token that verified, whose session has ended.
public sealed class SessionEndedException(SessionEnd ended) : Exception(ended.Detail)
{
    public SessionEnd Ended { get; } = ended;
}
