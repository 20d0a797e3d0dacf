using System;
using Compiled.Tests.Parallel;

namespace Compiled.Tests;

/// <summary>
/// The test assembly's entry point (in place of the one the test SDK generates): it does nothing, except that with
/// <c>--key-hash-probe</c> it prints the key hashes of <see cref="KeyHashProbe"/>, so that a test can run this assembly as
/// a separate process (<c>dotnet exec Compiled.Tests.dll --key-hash-probe</c>) and compare.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == KeyHashProbe.Argument)
        {
            KeyHashProbe.Print(Console.Out);
        }
        else if (args.Length == 2 && args[0] == Scaling.BatchSessionsProbe.Argument)
        {
            Scaling.BatchSessionsProbe.Print(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), Console.Out);
        }

        return 0;
    }
}
