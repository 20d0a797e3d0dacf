using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Execution;
using Compiled.Triggers;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Triggers;

/// <summary>
/// Keyed window panes advanced as the generated runner advances them (the quiet advance first, the full one only when it
/// refuses) fire exactly what they fire when every advance takes the full path: the same panes, in the same order, with
/// the same drops, whatever the trigger, the windows (fixed, sliding, sessions), the bundles and the steps of the
/// watermark and processing time. A quiet advance that let a timer or a bundle's evaluation pass would lose or delay panes.
/// </summary>
public class KeyedPanesQuietAdvanceTests
{
    private readonly record struct Op(int Kind, int Key, long Time, bool EndsBundle);

    private static readonly Gen<TriggerSpec> Triggers = Gen.OneOf(
        Gen.Const(TriggerSpec.Default()),
        Gen.Long[1, 3].Select(n => TriggerSpec.Repeatedly(TriggerSpec.AfterCount(n))),
        Gen.Long[0, 20].Select(d => TriggerSpec.Repeatedly(TriggerSpec.AfterProcessingTime(d))),
        Gen.Select(Gen.Long[1, 3], Gen.Long[0, 20]).Select((n, d) => TriggerSpec.AfterWatermark(TriggerSpec.AfterProcessingTime(d), TriggerSpec.AfterCount(n))),
        Gen.Long[1, 4].Select(n => TriggerSpec.OrFinally(TriggerSpec.AfterWatermark(), TriggerSpec.AfterCount(n))));

    private static readonly Gen<Op[]> Ops =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 30], Gen.Int[0, 5], Gen.Int[0, 12], Gen.Bool)
            .Array[0, 150]
            .Select(raw =>
            {
                var now = 0L;
                return raw.Select(r =>
                {
                    var (key, back, kind, step, endsBundle) = r;
                    now += step % 5;
                    return kind switch
                    {
                        0 => new Op(0, 0, step, true),
                        1 => new Op(1, 0, step, true),
                        _ => new Op(2, key, Math.Max(0, now - back), endsBundle),
                    };
                }).ToArray();
            });

    [Fact(DisplayName = "Keyed window panes advanced quietly first fire what the full advances fire, pane for pane and in order")]
    public void QuietAdvancesFireTheSamePanes() =>
        Gen.Select(Triggers, Gen.Select(Gen.Long[0, 40], Gen.Bool, Gen.Int[0, 2], Gen.Long[5, 30]), Ops).Sample((trigger, shape, ops) =>
        {
            var (lateness, accumulating, windows, size) = shape;
            var options = new PaneOptions(lateness, accumulating, TimestampCombiner.EndOfWindow, Merging: windows == 2);
            var full = new KeyedPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>>(default, new TriggerStateMachine(trigger), options);
            var quiet = new KeyedPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>>(default, new TriggerStateMachine(trigger), options);
            var expected = new List<string>();
            var actual = new List<string>();
            long watermark = 0, processing = 0;
            void Take()
            {
                expected.AddRange(full.Fired.Select(Describe));
                actual.AddRange(quiet.Fired.Select(Describe));
                full.ClearFired();
                quiet.ClearFired();
                Assert.Equal(expected, actual);
            }

            for (var i = 0; i < ops.Length; i++)
            {
                var op = ops[i];
                if (op.Kind == 0)
                {
                    watermark += op.Time;
                    full.AdvanceWatermark(new Instant(watermark));
                    if (!quiet.TryAdvanceWatermarkQuietly(new Instant(watermark)))
                    {
                        quiet.AdvanceWatermark(new Instant(watermark));
                    }
                }
                else if (op.Kind == 1)
                {
                    processing += op.Time;
                    full.AdvanceProcessingTime(new Instant(processing));
                    if (!quiet.TryAdvanceProcessingTimeQuietly(new Instant(processing)))
                    {
                        quiet.AdvanceProcessingTime(new Instant(processing));
                    }
                }
                else
                {
                    var window = windows switch
                    {
                        0 => BoundedWindow.Interval(new Instant(op.Time - (op.Time % size)), new Instant(op.Time - (op.Time % size) + size)),
                        1 => BoundedWindow.Interval(new Instant(op.Time - (op.Time % size)), new Instant(op.Time - (op.Time % size) + (2 * size))),
                        _ => BoundedWindow.Interval(new Instant(op.Time), new Instant(op.Time + size)),
                    };
                    Assert.Equal(full.Add(op.Key, i, new Instant(op.Time), window), quiet.Add(op.Key, i, new Instant(op.Time), window));
                    if (op.EndsBundle)
                    {
                        full.EndBundle();
                        quiet.EndBundle();
                    }
                }

                Take();
                Assert.Equal(full.InputWatermark, quiet.InputWatermark);
                Assert.Equal(full.LiveWindows, quiet.LiveWindows);
                Assert.Equal(full.NextProcessingDeadline, quiet.NextProcessingDeadline);
            }

            full.AdvanceProcessingTime(Instant.MaxValue);
            quiet.AdvanceProcessingTime(Instant.MaxValue);
            full.AdvanceWatermark(Instant.MaxValue);
            quiet.AdvanceWatermark(Instant.MaxValue);
            Take();
            Assert.Equal(full.DroppedLate + full.DroppedClosed, quiet.DroppedLate + quiet.DroppedClosed);
        }, iter: 1_500);

    private static string Describe(FiredPane<int, IReadOnlyList<int>> f) =>
        f.Key + "=[" + string.Join(",", f.Value) + "] @" + f.Timestamp.Millis + " " + f.Window + " " + f.Pane;
}
