using System;
using System.ComponentModel;
using Compiled.Coders;

namespace Compiled.Execution;

public sealed partial class TimerScheduler
{
    /// <summary>
    /// Writes the timers of the first <paramref name="slots"/> slots for a checkpoint: every setting, plain and in timer
    /// maps, the generations, the four heaps in their order, the sequence and the watermark and processing time last told.
    /// </summary>
    /// <param name="writer">Where the bytes go.</param>
    /// <param name="slots">The slots in use (the state's <c>SlotCount</c>).</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void WriteCheckpoint(ref CoderWriter writer, int slots)
    {
        writer.WriteInt32(_timerCount);
        writer.WriteInt64(_seq);
        writer.WriteInt64(_dueAt);
        writer.WriteInt32(_compactEvent);
        writer.WriteInt32(_compactProcessing);
        writer.WriteInt32(_compactHolds);
        writer.WriteInt32(_compactExpirations);
        writer.WriteInt64(_inputWatermark);
        writer.WriteInt64(_processingTime);
        writer.WriteInt32(slots);
        for (var slot = 0; slot < slots; slot++)
        {
            writer.WriteInt64(_generation[slot]);
            writer.WriteInt32(_mapCount[slot]);
            for (var timer = 0; timer < _timerCount; timer++)
            {
                WriteSetting(ref writer, _plain[(slot * _timerCount) + timer]);
            }
        }

        writer.WriteInt32(_maps.Count);
        foreach (var ((slot, timer, id), setting) in _maps)
        {
            writer.WriteInt32(slot);
            writer.WriteInt32(timer);
            writer.WriteString(id);
            WriteSetting(ref writer, setting);
        }

        _event.WriteCheckpoint(ref writer, _ids);
        _processing.WriteCheckpoint(ref writer, _ids);
        _holds.WriteCheckpoint(ref writer, _ids);
        _expirations.WriteCheckpoint(ref writer, _ids);
    }

    /// <summary>Reads what <see cref="WriteCheckpoint"/> wrote into this new scheduler.</summary>
    /// <param name="reader">The bytes.</param>
    /// <exception cref="CoderException">The bytes are not a scheduler's of this shape.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint(ref CoderReader reader)
    {
        if (reader.ReadInt32() != _timerCount)
        {
            throw new CoderException("The checkpoint's state has another number of timers.");
        }

        _seq = reader.ReadInt64();
        _dueAt = reader.ReadInt64();
        _compactEvent = reader.ReadInt32();
        _compactProcessing = reader.ReadInt32();
        _compactHolds = reader.ReadInt32();
        _compactExpirations = reader.ReadInt32();
        _inputWatermark = reader.ReadInt64();
        _processingTime = reader.ReadInt64();
        var slots = reader.ReadInt32();
        if (slots < 0 || slots > reader.Remaining)
        {
            throw new CoderException("The checkpoint has an impossible number of timer slots.");
        }

        EnsureSlots(slots);
        for (var slot = 0; slot < slots; slot++)
        {
            _generation[slot] = reader.ReadInt64();
            _mapCount[slot] = reader.ReadInt32();
            for (var timer = 0; timer < _timerCount; timer++)
            {
                _plain[(slot * _timerCount) + timer] = ReadSetting(ref reader);
            }
        }

        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var slot = reader.ReadInt32();
            var timer = reader.ReadInt32();
            var id = reader.ReadString() ?? throw new CoderException("A timer of a timer map has no id.");
            _maps[(slot, timer, id)] = ReadSetting(ref reader);
        }

        _event.ReadCheckpoint(ref reader, _ids);
        _processing.ReadCheckpoint(ref reader, _ids);
        _holds.ReadCheckpoint(ref reader, _ids);
        _expirations.ReadCheckpoint(ref reader, _ids);
    }

    private static void WriteSetting(ref CoderWriter writer, in Setting setting)
    {
        writer.WriteInt64(setting.Seq);
        writer.WriteInt64(setting.At);
        writer.WriteInt64(setting.Output);
    }

    private static Setting ReadSetting(ref CoderReader reader) => new()
    {
        Seq = reader.ReadInt64(),
        At = reader.ReadInt64(),
        Output = reader.ReadInt64(),
    };
}
