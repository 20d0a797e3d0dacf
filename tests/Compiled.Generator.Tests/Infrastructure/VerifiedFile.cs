using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace Compiled.Generator.Tests.Infrastructure;

/// <summary>
/// A small verified-file snapshot helper: compares text with <c>Snapshots/{name}.verified.cs</c> next to
/// the calling test source. On a mismatch (or a missing file) it writes <c>{name}.received.cs</c> beside it
/// and fails; with <c>UPDATE_SNAPSHOTS=1</c> it overwrites the verified file and passes.
/// </summary>
public static class VerifiedFile
{
    public static void Verify(string text, string name, [CallerFilePath] string path = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(path)!, "Snapshots");
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        var actual = Normalize(text);

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No verified snapshot '{verified}'. Wrote '{received}'; review it and rename it to .verified.cs, or run with UPDATE_SNAPSHOTS=1."
            : $"Snapshot '{name}' differs from '{verified}' ({FirstDifference(expected, actual)}). Wrote '{received}'; compare with: diff \"{verified}\" \"{received}\" (accept with UPDATE_SNAPSHOTS=1).");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end of file>";
            var right = i < a.Length ? a[i] : "<end of file>";
            if (left != right)
            {
                return $"first difference at line {i + 1}: expected `{left.Trim()}`, received `{right.Trim()}`";
            }
        }

        return "line endings or trailing text";
    }
}
