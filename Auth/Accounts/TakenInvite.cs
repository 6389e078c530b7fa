using MiniAuth.Storage;

namespace MiniAuth.Auth.Accounts;

// A redeemed invite's terms: the normalized email it is pinned to (null: any) and the roles the
// new account gets. Record is what was stored, to give it back when the signup fails after all.
public sealed record TakenInvite(string Id, string? PinnedNormalizedEmail, IReadOnlyList<string> Roles, AccountTokenRecord Record);
