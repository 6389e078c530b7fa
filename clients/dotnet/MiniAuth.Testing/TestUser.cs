namespace MiniAuth.Testing;

// An account made by MiniAuthTestServer.CreateUserAsync: what a test signs in with.
public sealed record TestUser(string Id, string Email, string Password, IReadOnlyList<string> Roles, bool EmailVerified);
