using MiniAuth.Bench;

// One command runs everything; the same executable is also each ceiling server and the hash
// probe, started as separate processes so each one's CPU and memory are its own.
return args switch
{
    ["serve", "identity", ..] => IdentityPeer.Serve(args[2..]),
    ["serve", var mode, ..] => Ceilings.Serve(mode, args[2..]),
    ["hash-probe", ..] => HashProbe.Run(args[1..]),
    ["paging", ..] => await UserPaging.RunAsync(args[1..]),
    _ when BenchOptions.Parse(args) is { Scenarios: ["revocation"] } revocation => await RevocationRun.RunAsync(revocation),
    _ => await BenchRun.RunAsync(BenchOptions.Parse(args)),
};
