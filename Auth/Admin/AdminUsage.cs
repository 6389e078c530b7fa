namespace MiniAuth.Auth.Admin;

// The text `MiniAuth admin` prints for an unknown command or missing argument.
public static class AdminUsage
{
    public const string Text = """
        Usage: MiniAuth admin <command> [options]

        Users (name one with --email <email> or --user-id <id>):
          create-user --email <email> [--name <name>] [--role <role>[,<role>…]]
                                   Create a user; the password is read from standard input
                                   (one line), or prompted for without echo on a terminal.
          list-users [--query <text>] [--limit <1-100>] [--cursor <next>]
                                   One page of users, oldest first (as GET /admin/users): id,
                                   email, roles, created, disabled, live sessions. --query
                                   searches emails and names; the next page's cursor is printed.
          disable <user>           Disable the account and end its sessions (account_disabled).
          enable <user>            Enable it again.
          delete <user>            Delete the account, its sessions and one-time tokens.
          set-roles <user> --role <role>[,<role>…]
                                   Replace the account's roles (--role "" removes them all);
                                   they show in its next access token. The last enabled admin
                                   can be neither demoted, disabled nor deleted.
          end-sessions <user>      End every session of a user at once (forced by admin).
          reset-link --email <email>
                                   Print a one-time password reset link for the account
                                   (MiniAuth:PublicUrl + /#reset=<token>), for when no mail
                                   reaches its owner. It replaces the account's earlier reset
                                   links and works once, within
                                   MiniAuth:PasswordReset:TokenLifetime.
          invite [--email <email>] [--role <role>[,<role>…]]
                                   Print a single-use signup invite (code and link), for
                                   MiniAuth:Signup:Mode InviteOnly; --email pins it to one
                                   address, --role gives the new account those roles. It
                                   works until MiniAuth:Signup:InviteLifetime has passed.

        Signing keys:
          rotate-signing-key       Add a new ES256 key. A service publishes it at its next
                                   key reload (at start, or within ReloadInterval); it
                                   signs from twice MiniAuth:SigningKeys:ReloadInterval
                                   after now on (the time is printed), an older key until
                                   then. Older keys keep verifying until their tokens
                                   have expired.
          revoke-signing-key --kid <kid> [--end-sessions]
                                   For a compromised key: remove it from the store, so
                                   the service no longer publishes it and refuses every
                                   token it signed (a running instance within
                                   ReloadInterval). If it was the only unretired key, a
                                   new one signs at once; the key that signs now is
                                   printed. --end-sessions also ends every session of
                                   every user (forced by admin): everyone logs in again.

        Audit trail and store:
          audit [--user-id <id>] [--type <type>] [--limit <1-200>] [--follow]
                                   The latest stored audit events, oldest first; --follow
                                   keeps printing new ones until Ctrl+C.
          backup <path>            A consistent copy of the LiteDB store (mode 0600), made
                                   while the service runs.
          restore <path>           Put a backup in place of the LiteDB store (service
                                   stopped); the store it replaces is kept beside it.

        With the LiteDB store, a running service runs the commands itself, through the admin
        socket beside the store (<store file>.admin.sock); stopped, they open the store directly.
        """;
}
