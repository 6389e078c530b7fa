namespace MiniAuth.Auth.Accounts;

// Who may sign up: anyone, only with an admin's invite, or nobody (accounts come from the
// admin command line and the configured admin).
public enum SignupMode { Open, InviteOnly, Closed }
