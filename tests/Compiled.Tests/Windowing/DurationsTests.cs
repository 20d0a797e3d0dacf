using System;
using Xunit;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's millisecond durations from and to TimeSpan; the factories refuse sub-millisecond parameters.</summary>
public class DurationsTests
{
    // Truncation toward zero, documented: 1.9 ms -> 1 ms, -1.9 ms -> -1 ms.
    [Theory]
    [InlineData(19_000L, 1L)]
    [InlineData(-19_000L, -1L)]
    [InlineData(10_000L, 1L)]
    [InlineData(9_999L, 0L)]
    public void ToMillis_TruncatesTowardZero(long ticks, long millis)
    {
        Assert.Equal(millis, Durations.ToMillis(TimeSpan.FromTicks(ticks)));
        Assert.Equal(ticks % 10_000L == 0, Durations.IsWholeMillis(TimeSpan.FromTicks(ticks)));
    }

    // Exactness where it matters: a window size of 1.5 ms is an error, not a 1 ms window.
    [Fact]
    public void SubMillisecondParameters_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => Durations.ToWholeMillis(TimeSpan.FromTicks(15_000)));
        Assert.Throws<ArgumentException>(() => WindowFns.Fixed(TimeSpan.FromTicks(15_000)));
        Assert.Throws<ArgumentException>(() => WindowFns.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromTicks(1)));
        Assert.Throws<ArgumentException>(() => WindowFns.Sessions(TimeSpan.FromTicks(5)));
        Assert.Equal(90_000L, Durations.ToWholeMillis(TimeSpan.FromMinutes(1.5)));
    }

    // Round trip, and the TimeSpan range limit.
    [Fact]
    public void FromMillis_RoundTrips()
    {
        Assert.Equal(TimeSpan.FromHours(1), Durations.FromMillis(3_600_000L));
        Assert.Equal(-5L, Durations.ToMillis(Durations.FromMillis(-5L)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Durations.FromMillis(Instant.MaxValue.Millis));
    }

    // The factories build the structs with Beam's parameters.
    [Fact]
    public void Factories()
    {
        Assert.Equal(new FixedWindows(60_000, 1_000), WindowFns.Fixed(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)));
        Assert.Equal(new SlidingWindows(60_000, 10_000, 5), WindowFns.Sliding(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(5)));
        Assert.Equal(new Sessions(30_000), WindowFns.Sessions(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromMinutes(1), WindowFns.Sliding(TimeSpan.FromMinutes(1)).Size);
        Assert.Equal(TimeSpan.FromSeconds(30), WindowFns.Sessions(TimeSpan.FromSeconds(30)).Gap);
        Assert.Throws<ArgumentException>(() => WindowFns.Fixed(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
    }
}
