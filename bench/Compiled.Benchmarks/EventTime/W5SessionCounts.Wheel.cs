using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace Compiled.Benchmarks.EventTime;

public static partial class W5SessionCounts
{
    /// <summary>One open session of <see cref="HandWheel"/>: an interval, its count, and its links.</summary>
    private struct WheelSession
    {
        public int Key;
        public long Start;
        public long End;
        public long Count;
        public int NextOfKey;    // the key's next open session, or -1
        public int NextInBucket; // the next session queued in the same bucket of the wheel, or -1
        public bool Dead;        // merged into another session: freed when the wheel reaches it
    }

    /// <summary>
    /// The fastest honest streaming loop we could write for W5: a key's open sessions are slots linked from a dictionary
    /// entry (one session in the usual case, extended in place by a few compares); sessions wait for the watermark in a
    /// timing wheel of 65,536 one-millisecond buckets, a slot queued in the bucket of the end it had when queued. As the
    /// watermark advances, each bucket it passes is walked once: a session whose end is that bucket's time is emitted and
    /// freed, one that grew since is moved to the bucket of its new end. Every event is O(1): no heap, no allocation
    /// once the slots have grown. The wheel spans 65 s ahead of the watermark, which covers W5's (a session's end is at
    /// most the gap plus the watermark delay, 32 s, ahead of it); a loop for arbitrary data would need an overflow list.
    /// </summary>
    public static WindowDigest HandWheel(Event[] events) => HandWheel<DictionaryHeads>(events);

    /// <summary>
    /// <see cref="HandWheel"/> with its key-to-session map an <see cref="IntegerKeyMap{TKey, TValue}"/>, the map the
    /// generated runner's open sessions use for int keys: the like-for-like baseline for the generated rows.
    /// </summary>
    public static WindowDigest HandWheelIntegerMap(Event[] events) => HandWheel<IntegerMapHeads>(events);

    /// <summary>A hand loop's map from a key to its latest open session, as a struct the JIT specializes the loop for.</summary>
    private interface IHeads
    {
        static abstract IHeads Create();

        ref int RefOrAdd(int key, out bool exists);

        ref int RefOrNullRef(int key);

        IEnumerable<int> Values { get; }
    }

    private readonly struct DictionaryHeads : IHeads
    {
        private readonly Dictionary<int, int> _map;

        private DictionaryHeads(Dictionary<int, int> map) => _map = map;

        public static IHeads Create() => new DictionaryHeads(new Dictionary<int, int>());

        public ref int RefOrAdd(int key, out bool exists) => ref CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out exists);

        public ref int RefOrNullRef(int key) => ref CollectionsMarshal.GetValueRefOrNullRef(_map, key);

        public IEnumerable<int> Values => _map.Values;
    }

    private readonly struct IntegerMapHeads : IHeads
    {
        private readonly IntegerKeyMap<int, int> _map;

        private IntegerMapHeads(IntegerKeyMap<int, int> map) => _map = map;

        public static IHeads Create() => new IntegerMapHeads(new IntegerKeyMap<int, int>());

        public ref int RefOrAdd(int key, out bool exists) => ref _map.GetValueRefOrAddDefault(key, out exists);

        public ref int RefOrNullRef(int key) => ref _map.GetValueRefOrNullRef(key);

        public IEnumerable<int> Values => _map.Select(e => e.Value);
    }

    private static WindowDigest HandWheel<THeads>(Event[] events)
        where THeads : struct, IHeads
    {
        const int WheelSize = 1 << 16;
        const int Mask = WheelSize - 1;
        var digest = new WindowDigest();
        var heads = (THeads)THeads.Create();
        var wheel = new int[WheelSize];
        wheel.AsSpan().Fill(-1);
        var slots = new WheelSession[1024];
        var used = 0;
        var free = -1;
        var max = long.MinValue;
        var watermark = long.MinValue;
        var swept = long.MinValue; // every bucket up to this time has been walked
        long dropped = 0;

        foreach (var e in events)
        {
            var start = e.Time;
            var end = e.Time + Gap;
            if (end - 1 < watermark)
            {
                dropped++; // its window [t, t + gap) is already behind the watermark
                continue;
            }

            ref var head = ref heads.RefOrAdd(e.Key, out var exists);
            if (!exists)
            {
                head = -1;
            }

            var h = head;
            if (h >= 0 && slots[h].NextOfKey < 0 && slots[h].Start < end && start < slots[h].End)
            {
                // The usual case: the key's one open session, extended in place.
                ref var s = ref slots[h];
                s.Start = Math.Min(s.Start, start);
                s.End = Math.Max(s.End, end);
                s.Count++;
            }
            else
            {
                // Merge every open session of the key that the new window overlaps into the first of them.
                var target = -1;
                long count = 1;
                for (int i = h, previous = -1; i >= 0;)
                {
                    ref var s = ref slots[i];
                    var next = s.NextOfKey;
                    if (s.Start < end && start < s.End)
                    {
                        start = Math.Min(start, s.Start);
                        end = Math.Max(end, s.End);
                        count += s.Count;
                        if (target < 0)
                        {
                            target = i;
                            previous = i;
                        }
                        else
                        {
                            s.Dead = true; // still queued in the wheel; freed when its bucket is walked
                            if (previous < 0)
                            {
                                head = next;
                            }
                            else
                            {
                                slots[previous].NextOfKey = next;
                            }
                        }
                    }
                    else
                    {
                        previous = i;
                    }

                    i = next;
                }

                if (target < 0)
                {
                    if (free >= 0)
                    {
                        target = free;
                        free = slots[free].NextOfKey;
                    }
                    else
                    {
                        if (used == slots.Length)
                        {
                            Array.Resize(ref slots, used * 2);
                        }

                        target = used++;
                    }

                    slots[target] = new WheelSession { Key = e.Key, NextOfKey = head, NextInBucket = wheel[end & Mask] };
                    wheel[end & Mask] = target;
                    head = target;
                }

                ref var t = ref slots[target];
                t.Start = start;
                t.End = end;
                t.Count = count;
            }

            if (e.Time > max)
            {
                max = e.Time;
                var next = max - EventData.WatermarkDelayMs;
                if (swept == long.MinValue)
                {
                    swept = next;
                }

                watermark = next;
                while (swept < watermark)
                {
                    // Sessions whose end is swept + 1 have their max timestamp (end - 1) behind the watermark.
                    var time = ++swept;
                    var i = wheel[time & Mask];
                    wheel[time & Mask] = -1;
                    while (i >= 0)
                    {
                        ref var s = ref slots[i];
                        var nextInBucket = s.NextInBucket;
                        if (s.Dead)
                        {
                            s.Dead = false;
                            s.NextOfKey = free;
                            free = i;
                        }
                        else if (s.End > time)
                        {
                            s.NextInBucket = wheel[s.End & Mask]; // it grew: queue it at its new end
                            wheel[s.End & Mask] = i;
                        }
                        else
                        {
                            digest.Add(s.Key, s.Start, s.End, s.Count);
                            ref var keyHead = ref heads.RefOrNullRef(s.Key);
                            if (keyHead == i)
                            {
                                keyHead = s.NextOfKey;
                            }
                            else
                            {
                                var p = keyHead;
                                while (slots[p].NextOfKey != i)
                                {
                                    p = slots[p].NextOfKey;
                                }

                                slots[p].NextOfKey = s.NextOfKey;
                            }

                            s.NextOfKey = free;
                            free = i;
                        }

                        i = nextInBucket;
                    }
                }
            }
        }

        foreach (var h in heads.Values)
        {
            for (var i = h; i >= 0; i = slots[i].NextOfKey)
            {
                digest.Add(slots[i].Key, slots[i].Start, slots[i].End, slots[i].Count);
            }
        }

        GC.KeepAlive(dropped);
        return digest;
    }
}
