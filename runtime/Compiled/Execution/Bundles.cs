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
    /// The default bundle size of generated runners: 1,024 elements. Smaller bundles move the watermark more often
    /// (less state held, triggers evaluated more finely); on W5 (10 million events pushed at once) the throughput is the
    /// same from 64 to 65,536 within the noise, and state grows past that (bench/README.md, "W5 in batch and in one push").
    /// </summary>
    public const int DefaultSize = 1_024;

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
