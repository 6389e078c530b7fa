namespace MiniAuth.Auth.Defences;

// ThrottledAccountWide: every client together has spent the account's hourly budget.
public enum AttemptVerdict { Allowed, Throttled, ThrottledAccountWide }

// One attempt as the throttle judged it, counted before the password is checked.
public sealed record Attempt(AttemptVerdict Verdict, int FailureCount, TimeSpan RetryAfter);
