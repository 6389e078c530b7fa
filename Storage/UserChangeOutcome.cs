namespace MiniAuth.Storage;

// LastHolder: refused, the user is the last enabled holder of the kept role.
public enum UserChangeOutcome { Changed, NotFound, LastHolder }
