using System;

namespace Compiled.Execution;

/// <summary>
/// How generated runners cut a large push into bundles. A span pushed into an input that tracks its own watermark
/// (<c>p.Unbounded&lt;T&gt;(name, timestamps, maxOutOfOrderness)</c>) is processed <c>BundleSize</c> elements at a
/// time; after each bundle the input's watermark advances and triggers are evaluated (Beam evaluates triggers per
/// bundle), so windows behind the watermark fire and free their state during the push instead of at its end. The
/// results are those of pushing each bundle by a call of its own.
/// </summary>
public static class Bundles
{
    /// <summary>
    /// The default bundle size of generated runners: 4,096 elements. Smaller bundles move the watermark more often
    /// (less state held, more work per element to evaluate triggers); measured in bench/README.md ("W5: bundles").
    /// </summary>
    public const int DefaultSize = 4_096;

    /// <summary>Checks a bundle size set on a runner: at least one element.</summary>
    /// <param name="size">The bundle size.</param>
    /// <returns><paramref name="size"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    public static int Validate(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, "BundleSize");
        return size;
    }
}
