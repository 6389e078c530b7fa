namespace MiniAuth.Auth.Defences;

public enum AttemptVerdict { Allowed, Throttled }

// One attempt as the throttle judged it, counted before the password is checked.
public sealed record Attempt(AttemptVerdict Verdict, int FailureCount, TimeSpan RetryAfter);
