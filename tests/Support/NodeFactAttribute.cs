namespace MiniAuth.Tests;

// A [Fact] that needs Node.js and npm (the clients/js package): skipped, saying so, where they
// are missing, and never skipped under CI=true (there a missing Node is a failure).
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!NodeTool.IsInstalled && !NodeTool.InCi)
            Skip = "npm package test skipped: no node and npm on PATH (CI=true runs it and fails instead).";
    }
}
