using System;

namespace Compiled.Dashboard.Tests;

/// <summary>Test isolation for the process-wide runner registry.</summary>
internal static class Runners
{
    /// <summary>
    /// Collects the runners of earlier tests: the registry holds them weakly, and until they are collected their
    /// counts add to those of a new runner of the same pipeline.
    /// </summary>
    public static void ForgetEarlierRuns()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
