using System;
using System.Collections.Generic;
using Compiled;
using Compiled.Execution;
using Xunit;

namespace Compiled.Tests.State;

/// <summary>The timer scheduler a stateful ParDo runs on: order, replacement, clearing, holds, expirations, compaction.</summary>
public class TimerSchedulerTests
{
    private static TimerScheduler Scheduler(int slots = 4)
    {
        var scheduler = new TimerScheduler(new[] { "a", "b", "p" }, new[] { TimeDomain.EventTime, TimeDomain.EventTime, TimeDomain.ProcessingTime });
        scheduler.EnsureSlots(slots);
        scheduler.Begin(Instant.MinValue, BoundedWindow.Global, BoundedWindow.Global.MaxTimestamp);
        return scheduler;
    }

    private static List<string> Drain(TimerScheduler scheduler, long watermark)
    {
        var fired = new List<string>();
        while (scheduler.NextEvent(new Instant(watermark), out var firing))
        {
            fired.Add(firing.IsExpiration ? "expire" + firing.Slot : scheduler.NameOf(firing.Timer) + firing.Slot + (firing.Id ?? string.Empty) + "@" + firing.FireTimestamp.Millis);
        }

        return fired;
    }

    /// <summary>
    /// Against a model of the current settings: random sets, re-sets and clears of plain timers and timer-map ids over many
    /// slots, drained at random watermarks, fire exactly the settings due, in (time, setting order), with their ids; a
    /// checkpoint written and read back midway (its heaps put in heap order again) changes nothing.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FiresWhatAModelOfTheSettingsSays(int seed)
    {
        var random = new Random(seed);
        const int Slots = 64;
        var s = Scheduler(Slots);
        var model = new Dictionary<(int Slot, int Timer, string? Id), (long At, long Order)>();
        long order = 0;
        var watermark = 0L;
        for (var step = 0; step < 20_000; step++)
        {
            var slot = random.Next(Slots);
            var timer = random.Next(2);
            var id = random.Next(3) == 0 ? "id" + random.Next(5).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            switch (random.Next(10))
            {
                case < 6:
                    {
                        var at = watermark + random.Next(1, 500);
                        s.Set(slot, timer, id, new Instant(at), false, default);
                        model[(slot, timer, id)] = (at, ++order);
                        break;
                    }

                case < 8:
                    s.Clear(slot, timer, id);
                    model.Remove((slot, timer, id));
                    break;
                case 8 when step == 10_000:
                    {
                        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                        var writer = new Compiled.Coders.CoderWriter(buffer);
                        s.WriteCheckpoint(ref writer, Slots);
                        writer.Flush();
                        s = Scheduler(Slots);
                        var reader = new Compiled.Coders.CoderReader(buffer.WrittenSpan);
                        s.ReadCheckpoint(ref reader);
                        break;
                    }

                default:
                    {
                        watermark += random.Next(1, 200);
                        var expected = new List<((int Slot, int Timer, string? Id) Key, (long At, long Order) Setting)>();
                        foreach (var e in model)
                        {
                            if (e.Value.At < watermark)
                            {
                                expected.Add((e.Key, e.Value));
                            }
                        }

                        expected.Sort((a, b) => a.Setting.At != b.Setting.At ? a.Setting.At.CompareTo(b.Setting.At) : a.Setting.Order.CompareTo(b.Setting.Order));
                        var fired = new List<string>();
                        while (s.NextEvent(new Instant(watermark), out var firing))
                        {
                            fired.Add(firing.Slot + "/" + firing.Timer + "/" + firing.Id + "@" + firing.FireTimestamp.Millis);
                        }

                        Assert.Equal(expected.ConvertAll(e => e.Key.Slot + "/" + e.Key.Timer + "/" + e.Key.Id + "@" + e.Setting.At), fired);
                        foreach (var e in expected)
                        {
                            model.Remove(e.Key);
                        }

                        break;
                    }
            }
        }
    }

    [Fact]
    public void TimersFireInTimestampOrderWhenTheWatermarkPassesThem()
    {
        var s = Scheduler();
        s.Set(0, 0, null, new Instant(30), false, default);
        s.Set(1, 0, null, new Instant(10), false, default);
        s.Set(0, 1, null, new Instant(20), false, default);
        Assert.Empty(Drain(s, 10)); // a timer at 10 fires when the watermark passes 10
        Assert.Equal(new[] { "a1@10", "b0@20" }, Drain(s, 21));
        Assert.Equal(new[] { "a0@30" }, Drain(s, 100));
    }

    [Fact]
    public void SettingAgainReplacesAndClearingCancels()
    {
        var s = Scheduler();
        for (var i = 0; i < 5_000; i++)
        {
            s.Set(0, 0, null, new Instant(1_000 + i), false, default); // re-set: only the last stays (compactions run meanwhile)
        }

        s.Set(1, 0, null, new Instant(5), false, default);
        s.Clear(1, 0, null);
        s.Set(2, 0, "x", new Instant(7), false, default);
        s.Set(2, 0, "y", new Instant(8), false, default);
        s.Clear(2, 0, "x");
        Assert.Equal(new[] { "a2y@8", "a0@5999" }, Drain(s, long.MaxValue / 2));
    }

    [Fact]
    public void TheHoldIsTheEarliestOutputTimestampOfPendingTimers()
    {
        var s = Scheduler();
        Assert.Equal(Instant.MaxValue, s.Hold);
        s.Set(0, 0, null, new Instant(100), true, new Instant(50));
        s.Set(1, 0, null, new Instant(60), false, default); // outputs (and holds) at its firing time
        Assert.Equal(new Instant(50), s.Hold);
        Assert.Equal(new[] { "a1@60" }, Drain(s, 61));
        Assert.Equal(new Instant(50), s.Hold);
        Assert.Equal(new[] { "a0@100" }, Drain(s, 101));
        Assert.Equal(Instant.MaxValue, s.Hold);
    }

    [Fact]
    public void AWindowExpiresAfterItsTimersAtTheSameTimeAndReleasingDropsItsTimers()
    {
        var s = Scheduler();
        s.ScheduleExpiry(0, new Instant(99));
        s.Set(0, 0, null, new Instant(99), false, default);
        s.SetProcessingTime(new Instant(0));
        s.SetRelative(0, 2, null, offsetMillis: 5, periodMillis: 0, hasOutput: false, default); // a processing-time timer at 5
        Assert.Equal(new Instant(5), s.NextProcessingDeadline);
        Assert.Equal(new[] { "a0@99", "expire0" }, Drain(s, 100));
        s.ReleaseSlot(0);
        s.SetProcessingTime(new Instant(1_000));
        Assert.False(s.NextProcessing(new Instant(1_000), out _)); // dropped with its slot
        Assert.Equal(Instant.MaxValue, s.NextProcessingDeadline);
    }

    [Fact]
    public void RelativeTimersAlignAsBeamDoes()
    {
        var s = Scheduler();
        s.SetInputWatermark(new Instant(5_000));
        s.SetRelative(0, 0, null, offsetMillis: 1_000, periodMillis: 60_000, hasOutput: false, default);
        s.SetInputWatermark(Instant.MinValue);
        s.SetRelative(1, 0, null, offsetMillis: 1, periodMillis: 1_000, hasOutput: false, default);
        Assert.Equal(new[] { "a1@" + (Instant.MinValue.Millis + 1774), "a0@59000" }, Drain(s, 100_000));
    }

    [Fact]
    public void BeamsChecksOnSettingsThrow()
    {
        var s = Scheduler();
        s.Begin(new Instant(10), BoundedWindow.Interval(new Instant(0), new Instant(100)), new Instant(99));
        Assert.Contains("expiration", Assert.Throws<ArgumentException>(() => s.Set(0, 0, null, new Instant(100), false, default)).Message, StringComparison.Ordinal);
        Assert.Contains("output timestamp", Assert.Throws<ArgumentException>(() => s.Set(0, 0, null, new Instant(50), true, new Instant(60))).Message, StringComparison.Ordinal);
        Assert.Contains("before the input timestamp", Assert.Throws<ArgumentException>(() => s.Set(0, 0, null, new Instant(50), true, new Instant(5))).Message, StringComparison.Ordinal);
        var absolute = Assert.Throws<InvalidOperationException>(() => s.Set(0, 2, null, new Instant(50), false, default)).Message;
        Assert.Contains("relative timers", absolute, StringComparison.Ordinal);
        Assert.Contains("processing time", absolute, StringComparison.Ordinal);
    }
}
