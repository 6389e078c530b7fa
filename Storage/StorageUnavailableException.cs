namespace MiniAuth.Storage;

// A server that MiniAuth was told to use and could not reach; the message names it.
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
