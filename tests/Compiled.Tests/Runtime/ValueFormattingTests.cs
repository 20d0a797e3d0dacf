using System;
using System.Globalization;
using Xunit;

namespace Compiled.Tests.Runtime;

/// <summary>Instants and windows print as ISO-8601 UTC times, the ends of event time and the global window by name.</summary>
public class ValueFormattingTests
{
    [Theory]
    [InlineData("2026-12-03T09:00:00.000Z")]
    [InlineData("1970-01-01T00:00:00.000Z")]
    [InlineData("1969-12-31T23:59:59.999Z")]
    [InlineData("2000-02-29T12:34:56.789Z")]
    [InlineData("0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.999Z")]
    public void InstantPrintsAsIso8601Utc(string iso)
    {
        var instant = Instant.FromDateTimeOffset(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        Assert.Equal(iso, instant.ToString());
        Assert.Equal(iso, $"{instant}");
    }

    [Fact]
    public void EveryDayOfFourHundredYearsMatchesDateTime()
    {
        // The proleptic Gregorian calendar repeats every 400 years: one cycle either side of the epoch covers every case
        // of the date arithmetic (leap centuries included), checked against DateTimeOffset's own formatting.
        for (long day = -146_097; day <= 146_097; day += 1)
        {
            var millis = day * 86_400_000L + (day * 7_919_000L % 86_400_000L + 86_400_000L) % 86_400_000L;
            var expected = DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(expected, new Instant(millis).ToString());
        }
    }

    [Fact]
    public void EndsOfEventTimeAndYearsBeyondFourDigits()
    {
        Assert.Equal("-inf", Instant.MinValue.ToString());
        Assert.Equal("+inf", Instant.MaxValue.ToString());

        // Beam's end of the global window, one day before the end of time (Joda prints 294247-01-09T04:00:54.775Z):
        // ISO-8601's expanded years carry a sign.
        Assert.Equal("+294247-01-09T04:00:54.775Z", BoundedWindow.Global.MaxTimestamp.ToString());
        Assert.Equal("-290308-12-21T19:59:05.226Z", new Instant(Instant.MinValue.Millis + 1).ToString());
        var yearOne = Instant.FromDateTimeOffset(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("0000-12-31T00:00:00.000Z", yearOne.Plus(TimeSpan.FromDays(-1)).ToString());
        Assert.Equal("0000-01-01T00:00:00.000Z", yearOne.Plus(TimeSpan.FromDays(-366)).ToString()); // year 0 (1 BC) is a leap year
        Assert.Equal("-0001-12-31T00:00:00.000Z", yearOne.Plus(TimeSpan.FromDays(-367)).ToString());

        // Outside event time, only arithmetic makes such a value: its number.
        Assert.Equal("9223372036854775807 ms", new Instant(long.MaxValue).ToString());
        Assert.Equal("-9223372036854775808 ms", new Instant(long.MinValue).ToString());
    }

    [Fact]
    public void TryFormatWritesWithoutAllocatingAndRefusesAShortBuffer()
    {
        var instant = new Instant(1_764_752_400_000L);
        Span<char> buffer = stackalloc char[64];
        Assert.True(instant.TryFormat(buffer, out var written));
        Assert.Equal("2025-12-03T09:00:00.000Z", buffer[..written].ToString());
        Assert.False(instant.TryFormat(buffer[..10], out written));
        Assert.Equal(0, written);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            instant.TryFormat(buffer, out written);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WindowsPrintBothEnds()
    {
        var start = Instant.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal("[2026-12-03T09:00:00.000Z, 2026-12-03T09:01:00.000Z)", BoundedWindow.Interval(start, start.Plus(TimeSpan.FromMinutes(1))).ToString());
        Assert.Equal("GlobalWindow", BoundedWindow.Global.ToString());
        Assert.Equal("[-inf, 1970-01-01T00:00:00.000Z)", BoundedWindow.Interval(Instant.MinValue, Instant.Epoch).ToString());
        var value = new WindowedValue<string>("x", start, BoundedWindow.Interval(start, start.Plus(TimeSpan.FromSeconds(1))), PaneInfo.NoFiring);
        Assert.Equal("x @ 2026-12-03T09:00:00.000Z in [2026-12-03T09:00:00.000Z, 2026-12-03T09:00:01.000Z), Pane(Unknown, index 0, first, last)", value.ToString());
    }
}
