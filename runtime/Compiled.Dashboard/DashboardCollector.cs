using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Compiled.Diagnostics;

namespace Compiled.Dashboard;

/// <summary>
/// Reads the <c>Compiled</c> meter with a <see cref="MeterListener"/> a few times a second and keeps the latest
/// snapshot as JSON for the page. It costs nothing per element: runners count in plain fields whether or not it
/// listens, and it reads those counts only when it collects.
/// </summary>
/// <remarks>
/// Runners register with <see cref="PipelineMetrics"/> when they are created while a listener is subscribed, so the
/// collector must exist before the runners it should show: <c>AddCompiledDashboard()</c> creates it at once, and
/// <see cref="DashboardServer.StartAsync(DashboardOptions?, System.Threading.CancellationToken)"/> before it returns.
/// </remarks>
public sealed class DashboardCollector : IDisposable
{
    private readonly object _gate = new();
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Instrument, string Pipeline, string Tag), long> _current = new();
    private Dictionary<(string Instrument, string Pipeline, string Tag), long> _previous = new();
    private long _previousTimestamp;
    private long _previousBlockedMs;
    private byte[] _json = "{}"u8.ToArray();
    private long _version;
    private long _nowMs;
    private bool _disposed;

    /// <summary>Creates a collector and starts listening to the <c>Compiled</c> meter.</summary>
    /// <param name="deadLetters">The dead letters to show; <see langword="null"/> shows none.</param>
    /// <param name="title">The page's title; <see langword="null"/> uses the first pipeline's name.</param>
    public DashboardCollector(DeadLetterLog? deadLetters = null, string? title = null)
    {
        DeadLetters = deadLetters ?? new DeadLetterLog();
        Title = title;
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) =>
            OnMeasurement(instrument, double.IsFinite(value) ? (long)Math.Round(value) : 0, tags, state));
        _listener.Start();
        _previousTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>The dead letters shown on the page.</summary>
    public DeadLetterLog DeadLetters { get; }

    /// <summary>The page's title, or <see langword="null"/> for the first pipeline's name.</summary>
    public string? Title { get; }

    /// <summary>How many snapshots have been collected.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>The latest snapshot as UTF-8 JSON (see the README's dashboard section for its fields).</summary>
    /// <returns>The JSON bytes; do not modify them.</returns>
    public byte[] LatestJson()
    {
        lock (_gate)
        {
            return _json;
        }
    }

    /// <summary>Reads every instrument now and makes a new snapshot.</summary>
    /// <returns>The new snapshot as UTF-8 JSON.</returns>
    public byte[] Collect()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _current.Clear();
            _listener.RecordObservableInstruments();
            var now = Stopwatch.GetTimestamp();
            var seconds = Math.Max(Stopwatch.GetElapsedTime(_previousTimestamp, now).TotalSeconds, 1e-6);
            _json = Write(seconds);
            _previous = new Dictionary<(string Instrument, string Pipeline, string Tag), long>(_current);
            _previousTimestamp = now;
            _version++;
            return _json;
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _listener.Dispose();
        }
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        // Called on the collecting thread, inside RecordObservableInstruments (under _gate).
        string pipeline = string.Empty, tag = string.Empty;
        foreach (var t in tags)
        {
            if (t.Key == "pipeline")
            {
                pipeline = t.Value as string ?? string.Empty;
            }
            else
            {
                // A shard's tag is kept apart from input names (a gauge of both kinds: the watermark lag).
                tag = t.Key == "shard" ? "shard:" + t.Value : t.Value as string ?? string.Empty;
            }
        }

        // Several runners of one pipeline (the partitions and shards of a parallel runner, or jobs run side by side):
        // counts add up; of a gauge (the watermark lag) the largest is kept, the input furthest behind.
        var key = (instrument.Name, pipeline, tag);
        _current[key] = !_current.TryGetValue(key, out var before) ? value
            : instrument is ObservableGauge<long> or ObservableGauge<double> ? Math.Max(before, value)
            : before + value;
    }

    private byte[] Write(double seconds)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _nowMs = nowMs;
            json.WriteStartObject();
            json.WriteNumber("time", nowMs);
            json.WriteNumber("version", _version + 1);
            json.WriteNumber("intervalSeconds", seconds);

            var runners = PipelineMetrics.RegisteredRunners();
            var pipelines = new List<string>();
            var plans = new Dictionary<string, string>();
            foreach (var runner in runners)
            {
                if (!plans.ContainsKey(runner.PipelineName))
                {
                    pipelines.Add(runner.PipelineName);
                    plans[runner.PipelineName] = runner.PlanMermaid;
                }
            }

            foreach (var key in _current.Keys)
            {
                if (key.Pipeline.Length > 0 && !plans.ContainsKey(key.Pipeline))
                {
                    pipelines.Add(key.Pipeline);
                    plans[key.Pipeline] = string.Empty;
                }
            }

            json.WriteString("title", Title ?? (pipelines.Count > 0 ? pipelines[0] : "Compiled"));
            json.WriteStartArray("pipelines");
            foreach (var pipeline in pipelines)
            {
                json.WriteStartObject();
                json.WriteString("name", pipeline);
                json.WriteString("mermaid", plans[pipeline]);
                WriteCounts(json, "inputs", "compiled.pipeline.elements_in", pipeline, seconds);
                WriteCounts(json, "outputs", "compiled.pipeline.elements_out", pipeline, seconds);
                json.WriteStartArray("state");
                foreach (var (key, value) in _current)
                {
                    if (key.Instrument == "compiled.pipeline.state_size" && key.Pipeline == pipeline)
                    {
                        json.WriteStartObject();
                        json.WriteString("transform", key.Tag);
                        json.WriteNumber("id", TransformId(key.Tag));
                        json.WriteNumber("size", value);
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();
                json.WriteStartArray("transforms");
                foreach (var (key, value) in _current)
                {
                    if (key.Instrument == "compiled.pipeline.transform_elements_in" && key.Pipeline == pipeline)
                    {
                        var before = _previous.TryGetValue(key, out var b) ? b : 0;
                        json.WriteStartObject();
                        json.WriteString("transform", key.Tag);
                        json.WriteNumber("id", TransformId(key.Tag));
                        json.WriteNumber("count", value);
                        json.WriteNumber("rate", Math.Round(Math.Max(0, value - before) / seconds, 1));
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();
                json.WriteNumber("lateDropped", Get("compiled.pipeline.late_dropped", pipeline, string.Empty) ?? 0);
                json.WriteNumber("panesFired", Get("compiled.pipeline.panes_fired", pipeline, string.Empty) ?? 0);
                WriteLag(json, Get("compiled.pipeline.watermark_lag", pipeline, string.Empty));
                json.WriteStartArray("shards");
                foreach (var (key, value) in _current.OrderBy(e => e.Key.Tag, StringComparer.Ordinal))
                {
                    if (key.Instrument == "compiled.pipeline.watermark_lag" && key.Pipeline == pipeline && key.Tag.StartsWith("shard:", StringComparison.Ordinal))
                    {
                        json.WriteStartObject();
                        json.WriteString("name", key.Tag["shard:".Length..]);
                        WriteLag(json, value);
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();

                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartObject("deadLetters");
            json.WriteNumber("count", DeadLetters.Count);
            json.WriteStartArray("last");
            foreach (var reason in DeadLetters.LastReasons())
            {
                json.WriteStartObject();
                json.WriteNumber("time", reason.Time.ToUnixTimeMilliseconds());
                json.WriteString("reason", reason.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            var blockedMs = Get("compiled.exchange.blocked_time", string.Empty, string.Empty) ?? 0;
            json.WriteStartObject("backpressure");
            json.WriteNumber("blockedMs", blockedMs);
            json.WriteNumber("waits", Get("compiled.exchange.blocked_waits", string.Empty, string.Empty) ?? 0);
            json.WriteNumber("blockedShare", Math.Clamp((blockedMs - _previousBlockedMs) / (seconds * 1000), 0, double.MaxValue));
            json.WriteEndObject();
            _previousBlockedMs = blockedMs;

            json.WriteStartArray("batch");
            foreach (var progress in BatchProgress.Active)
            {
                var done = progress.Done;
                var elapsed = progress.Elapsed;
                json.WriteStartObject();
                json.WriteString("unit", progress.Unit);
                json.WriteNumber("done", done);
                json.WriteNumber("total", progress.Total);
                json.WriteNumber("elapsedSeconds", elapsed.TotalSeconds);
                json.WriteNumber("rate", elapsed > TimeSpan.Zero ? done / elapsed.TotalSeconds : 0);
                if (progress.FractionDone(done) is { } fraction)
                {
                    json.WriteNumber("percent", Math.Round(fraction * 100, 1));
                }
                else
                {
                    json.WriteNull("percent");
                }

                if (progress.TimeLeft(done, elapsed) is { } left)
                {
                    json.WriteNumber("timeLeftSeconds", Math.Round(left.TotalSeconds, 1));
                }
                else
                {
                    json.WriteNull("timeLeftSeconds");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();

            // Checkpoints: one entry per checkpointer (by name), from the Compiled meter.
            json.WriteStartObject("checkpoints");
            var checkpointers = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (key, _) in _current)
            {
                if (key.Instrument == "compiled.checkpoint.completed")
                {
                    checkpointers.Add(key.Tag);
                }
            }

            json.WriteBoolean("enabled", checkpointers.Count > 0);
            json.WriteStartArray("checkpointers");
            foreach (var name in checkpointers)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteNumber("completed", Get("compiled.checkpoint.completed", string.Empty, name) ?? 0);
                json.WriteNumber("lastDurationMs", Get("compiled.checkpoint.last_duration", string.Empty, name) ?? 0);
                json.WriteNumber("lastSizeBytes", Get("compiled.checkpoint.last_size", string.Empty, name) ?? 0);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteCounts(Utf8JsonWriter json, string property, string instrument, string pipeline, double seconds)
    {
        json.WriteStartArray(property);
        foreach (var (key, value) in _current)
        {
            if (key.Instrument == instrument && key.Pipeline == pipeline)
            {
                var before = _previous.TryGetValue(key, out var b) ? b : 0;
                json.WriteStartObject();
                json.WriteString("name", key.Tag);
                json.WriteNumber("count", value);
                json.WriteNumber("rate", Math.Round(Math.Max(0, value - before) / seconds, 1));
                if (instrument == "compiled.pipeline.elements_in")
                {
                    // The input's own watermark (the furthest behind over the runners that read it).
                    WriteLag(json, Get("compiled.pipeline.watermark_lag", pipeline, key.Tag));
                }

                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
    }

    /// <summary>A watermark lag and the watermark it means (null, null: no watermark yet).</summary>
    private void WriteLag(Utf8JsonWriter json, long? lag)
    {
        if (lag is { } ms)
        {
            json.WriteNumber("watermarkLagMs", ms);
            json.WriteNumber("watermark", _nowMs - ms);
        }
        else
        {
            json.WriteNull("watermarkLagMs");
            json.WriteNull("watermark");
        }
    }

    private long? Get(string instrument, string pipeline, string tag) =>
        _current.TryGetValue((instrument, pipeline, tag), out var value) ? value : null;

    /// <summary>The id in a <c>transform</c> tag ("#3 CombinePerKey (line 20)" is 3), or -1.</summary>
    private static int TransformId(string tag)
    {
        if (tag.Length < 2 || tag[0] != '#')
        {
            return -1;
        }

        var end = tag.IndexOf(' ', StringComparison.Ordinal);
        var digits = end < 0 ? tag.AsSpan(1) : tag.AsSpan(1, end - 1);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
    }
}
