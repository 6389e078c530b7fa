using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MiniAuth.Auth.Admin;

// Who is at the other end of a Unix socket, as the kernel saw it at connect (SO_PEERCRED, Linux).
public sealed record PeerCredentials(int Pid, uint Uid)
{
    const int SolSocket = 1, SoPeerCred = 17;

    // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit fields.
    public static PeerCredentials Of(Socket socket)
    {
        var ucred = new byte[12];
        if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) < 8) throw new SocketException((int)SocketError.ProtocolOption);
        return new PeerCredentials(BitConverter.ToInt32(ucred, 0), BitConverter.ToUInt32(ucred, 4));
    }

    public static uint ServiceUid => geteuid();

    // DllImport, not LibraryImport: one blittable call needs no generated (unsafe) marshalling.
    [DllImport("libc")]
    static extern uint geteuid();
}
