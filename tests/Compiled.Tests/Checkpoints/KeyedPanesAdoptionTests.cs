using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Compiled.Coders;
using Compiled.Execution;
using Compiled.Triggers;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// Keyed panes restored at another parallelism: each key's windows, adopted from the part of the shard that held them
/// (<see cref="KeyedPanes{TKey, TInput, TAccum, TOutput, TCombineFn}.AdoptCheckpointed"/>), go on as if restored whole:
/// sessions merge, late data fires late panes, windows are collected at the end of their lateness, with the same panes.
/// </summary>
public class KeyedPanesAdoptionTests
{
    private readonly record struct Op(int Key, long Time, bool Advance);

    private static KeyedPanes<int, int, long, long, CountFn<int>> NewPanes() =>
        new(Combiners.Count<int>(), new TriggerStateMachine(TriggerSpec.Default()), new PaneOptions(AllowedLatenessMillis: 20, TimestampCombiner: TimestampCombiner.Earliest, Merging: true));

    private static void Apply(KeyedPanes<int, int, long, long, CountFn<int>> panes, Op op, List<string> fired)
    {
        if (op.Advance)
        {
            panes.AdvanceWatermark(new Instant(op.Time));
        }
        else
        {
            panes.Add(op.Key, 1, new Instant(op.Time), BoundedWindow.Interval(new Instant(op.Time), new Instant(op.Time + 10)));
            panes.EndBundle();
        }

        fired.AddRange(panes.Fired.Select(f => f.Key + "=" + f.Value + " @" + f.Timestamp.Millis + " " + f.Window + " " + f.Pane));
        panes.ClearFired();
    }

    [Fact(DisplayName = "Sessions with lateness, split over shards by key and adopted into other panes, fire the panes of panes restored whole")]
    public void AdoptedPanesGoOnAsRestoredOnes()
    {
        var op = Gen.Select(Gen.Int[0, 3], Gen.Long[0, 200], Gen.Int[0, 4]).Select((k, t, a) => new Op(k, t, a == 0));
        Gen.Select(op.Array[0, 80], op.Array[0, 80], Gen.Int[1, 3]).Sample((before, after, shards) =>
        {
            var original = NewPanes();
            var ignored = new List<string>();
            var watermark = 0L;
            foreach (var o in before)
            {
                Apply(original, o.Advance ? o with { Time = watermark += o.Time / 8 } : o, ignored);
            }

            var buffer = new ArrayBufferWriter<byte>();
            var writer = new CoderWriter(buffer);
            original.WriteCheckpoint<Int32Coder, Int64Coder>(ref writer);
            writer.Flush();

            var whole = NewPanes();
            var reader = new CoderReader(buffer.WrittenSpan);
            whole.RestoreCheckpoint<Int32Coder, Int64Coder>(ref reader);

            // The checkpoint's panes are one old shard's; the keys go to new shards by key modulo their count.
            var parts = Enumerable.Range(0, shards).Select(_ => NewPanes()).ToArray();
            var from = NewPanes();
            reader = new CoderReader(buffer.WrittenSpan);
            from.RestoreCheckpoint<Int32Coder, Int64Coder>(ref reader);
            for (var s = 0; s < shards; s++)
            {
                var shard = s;
                parts[s].AdoptCheckpointed(from, key => key % shards == shard, first: true, counts: shard == 0);
            }

            Assert.Equal(whole.LiveWindows, parts.Sum(p => p.LiveWindows));
            var expected = new List<string>();
            var actual = new List<string>();
            foreach (var o in after)
            {
                var step = o.Advance ? o with { Time = watermark += o.Time / 8 } : o;
                Apply(whole, step, expected);
                if (step.Advance)
                {
                    foreach (var part in parts)
                    {
                        Apply(part, step, actual);
                    }
                }
                else
                {
                    Apply(parts[step.Key % shards], step, actual);
                }
            }

            foreach (var part in parts)
            {
                Apply(part, new Op(0, long.MaxValue / 4, true), actual);
            }

            Apply(whole, new Op(0, long.MaxValue / 4, true), expected);
            Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
            Assert.Equal(whole.DroppedLate, parts.Sum(p => p.DroppedLate));
            Assert.Equal(whole.PanesFired, parts.Sum(p => p.PanesFired));
        });
    }
}
