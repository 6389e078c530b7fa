namespace MiniAuth.Auth.Accounts;

// The verdict on a signup; Invite: the invite it redeemed (taken, so spent unless given back).
public sealed record SignupAdmission(SignupRefusal Refusal, TakenInvite? Invite = null);
