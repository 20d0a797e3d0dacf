using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Compiled.Checkpoints;

/// <summary>
/// Makes the entries of a directory (files created, renamed or deleted in it) durable: <c>fsync</c> of the directory
/// on Linux and macOS. Windows has no such call (NTFS journals its metadata); there, and wherever the call is not
/// available, nothing is done.
/// </summary>
internal static class DurableDirectory
{
    private static bool s_unavailable;

    public static void Sync(string path)
    {
        if (s_unavailable || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }

        try
        {
            int fd = Open(path, 0); // O_RDONLY
            if (fd < 0)
            {
                return;
            }

            try
            {
                if (Fsync(fd) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"fsync of directory '{path}' failed (errno {errno}).");
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
