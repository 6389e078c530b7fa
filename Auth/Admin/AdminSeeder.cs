using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.SignIn;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// Makes sure MiniAuth:Admin:Email exists with role admin before the first request. The rule, so
// that a restart never undoes a password change and never hands admin to a stranger:
// - no account with that email: it is created with MiniAuth:Admin:Password and role admin;
// - the account exists and is an admin: nothing changes, its password included (the configured
//   password is only the initial one; change it with changePassword afterwards);
// - the account exists without role admin (someone may have signed up with that email first):
//   it is promoted only if MiniAuth:Admin:Password is its current password; otherwise it is left
//   alone and an error is logged.
public sealed class AdminSeeder(IOptions<AdminOptions> options, IUserStore users, PasswordHasher hasher,
    PasswordSignIn signIn, AuditTrail audit, TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var admin = options.Value;
        if (!admin.IsSet) return;

        var email = InputRules.NormalizeEmail(admin.Email!);
        var existing = await users.FindByEmailAsync(email, ct);
        if (existing is null)
        {
            var now = time.GetUtcNow();
            var created = UserRecord.Create(admin.Email!, email, null,
                await hasher.HashAsync(admin.Password!, ct), [AdminRole.Name], now, emailVerified: true);
            if (await users.TryCreateAsync(created, ct))
            {
                audit.AdminSeeded(created.Id, "created");
                return;
            }
            // Signed up in the same instant: judge that account like any existing one.
            existing = await users.FindByEmailAsync(email, ct);
            if (existing is null) return;
        }

        if (existing.Roles.Contains(AdminRole.Name)) return;
        if (!await signIn.IsPasswordOfAsync(existing, admin.Password!, ct))
        {
            audit.AdminSeedRefused(existing.Id);
            return;
        }
        await users.AddRoleAsync(existing.Id, AdminRole.Name, ct);
        audit.AdminSeeded(existing.Id, "promoted to admin");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
