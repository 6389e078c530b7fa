namespace MiniAuth.Auth.Accounts;

// Why a signup may not go ahead, before any account is made (each is a 403 with its own code).
public enum SignupRefusal { None, Closed, InviteRequired, EmailDomainNotAllowed }
