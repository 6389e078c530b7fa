using System.Net;
using System.Net.Sockets;

namespace MiniAuth.Auth.Defences;

// Who "the client" is for the limits: its IP address, an IPv6 client by its /64 (one host
// usually holds the whole prefix, so single addresses would be free to rotate).
public static class ClientAddress
{
    public static string KeyOf(HttpContext http) => KeyOf(http.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return "-";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
