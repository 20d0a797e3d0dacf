using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Compiled;

/// <summary>
/// Shows the progress of a long batch run on an interactive terminal: amount done, rate and estimated
/// time left, redrawn in place on standard error a few times a second. Silent when standard error is
/// redirected (a log file, CI), so it never pollutes captured output. Every progress not yet disposed is listed in
/// <see cref="Active"/>, where a dashboard reads its percent done and time left whether or not a terminal shows it.
/// </summary>
/// <example>
/// <code>
/// var input = TextInput.FromFile(path);
/// using (BatchProgress.ForTextInput(input, new FileInfo(path).Length))
/// {
///     MyPipeline.Run(input);
/// }
/// </code>
/// </example>
public sealed class BatchProgress : IDisposable
{
    private readonly Func<long> _done;
    private readonly long _total;
    private readonly string _unit;
    private readonly TextWriter _writer;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly object _gate = new();
    private int _lastLength;
    private bool _disposed;

    private static readonly List<BatchProgress> s_active = new();

    private BatchProgress(Func<long> done, long total, string unit, TextWriter writer, bool interactive, TimeSpan interval)
    {
        _done = done;
        _total = total;
        _unit = unit;
        _writer = writer;
        IsActive = interactive;
        if (interactive)
        {
            _timer = new Timer(_ => Draw(final: false), null, interval, interval);
        }

        lock (s_active)
        {
            s_active.Add(this);
        }
    }

    /// <summary>The progresses started and not yet disposed, oldest first (a snapshot).</summary>
    public static IReadOnlyList<BatchProgress> Active
    {
        get
        {
            lock (s_active)
            {
                return s_active.ToArray();
            }
        }
    }

    /// <summary>The amount done so far (read now).</summary>
    public long Done => _done();

    /// <summary>The total amount, or 0 when unknown.</summary>
    public long Total => _total;

    /// <summary>The unit of <see cref="Done"/> and <see cref="Total"/>: "bytes" or a name such as "elements".</summary>
    public string Unit => _unit;

    /// <summary>The time since the progress started.</summary>
    public TimeSpan Elapsed => _stopwatch.Elapsed;

    /// <summary>The fraction done, from 0 to 1, of <paramref name="done"/> out of <see cref="Total"/>; <see langword="null"/> when the total is unknown.</summary>
    /// <param name="done">The amount done (a value of <see cref="Done"/>).</param>
    /// <returns>The fraction, or <see langword="null"/>.</returns>
    public double? FractionDone(long done) => _total > 0 ? Math.Clamp((double)done / _total, 0, 1) : null;

    /// <summary>
    /// The estimated time left at the rate so far, for <paramref name="done"/> out of <see cref="Total"/>;
    /// <see langword="null"/> when the total is unknown or nothing is done yet.
    /// </summary>
    /// <param name="done">The amount done (a value of <see cref="Done"/>).</param>
    /// <param name="elapsed">The time it took (a value of <see cref="Elapsed"/>).</param>
    /// <returns>The estimate, or <see langword="null"/>.</returns>
    public TimeSpan? TimeLeft(long done, TimeSpan elapsed)
    {
        if (_total <= 0 || done <= 0 || elapsed <= TimeSpan.Zero)
        {
            return null;
        }

        var rate = done / elapsed.TotalSeconds;
        return TimeSpan.FromSeconds(Math.Max(0, _total - done) / rate);
    }

    /// <summary>True when progress is being drawn (an interactive terminal); false when output is redirected.</summary>
    public bool IsActive { get; }

    /// <summary>Progress of reading a text input, in bytes of <paramref name="totalBytes"/> (the file size; 0 if unknown).</summary>
    public static BatchProgress ForTextInput(TextInput input, long totalBytes)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Start(() => input.BytesRead, totalBytes, "bytes");
    }

    /// <summary>
    /// Starts reporting <paramref name="done"/> out of <paramref name="total"/> (0 if unknown) on standard
    /// error, if it is an interactive terminal.
    /// </summary>
    /// <param name="done">Reads the amount done so far; called from a timer thread.</param>
    /// <param name="total">The total amount, or 0 when unknown (no estimate of the time left).</param>
    /// <param name="unit">"bytes" (shown as MB) or a unit name such as "elements".</param>
    public static BatchProgress Start(Func<long> done, long total, string unit = "elements")
    {
        ArgumentNullException.ThrowIfNull(done);
        return new BatchProgress(done, total, unit, Console.Error, !Console.IsErrorRedirected, TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Reports to <paramref name="writer"/> whether or not it is a terminal (for tests and custom hosts).</summary>
    public static BatchProgress StartOn(TextWriter writer, Func<long> done, long total, string unit, bool interactive, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(done);
        return new BatchProgress(done, total, unit, writer, interactive, interval);
    }

    /// <summary>
    /// One progress line: "12.5 / 50.0 MB  25%  31.2 MB/s  ETA 1.2 s" (bytes) or "1,200,000 elements  3.1 M/s".
    /// </summary>
    public static string Format(long done, long total, TimeSpan elapsed, string unit)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var rate = done / seconds;
        var bytes = unit == "bytes";
        var amount = bytes
            ? (done / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + (total > 0 ? " / " + (total / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) : string.Empty) + " MB"
            : done.ToString("N0", CultureInfo.InvariantCulture) + (total > 0 ? " / " + total.ToString("N0", CultureInfo.InvariantCulture) : string.Empty) + " " + unit;
        var rateText = bytes
            ? (rate / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MB/s"
            : (rate / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " M/s";
        if (total <= 0)
        {
            return amount + "  " + rateText;
        }

        var fraction = Math.Clamp((double)done / total, 0, 1);
        var left = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - done) / rate) : TimeSpan.Zero;
        return amount + "  " + (fraction * 100).ToString("F0", CultureInfo.InvariantCulture) + "%  " + rateText + "  ETA " + FormatDuration(left);
    }

    private static string FormatDuration(TimeSpan value) => value.TotalSeconds < 60
        ? value.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s"
        : ((int)value.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min " + value.Seconds.ToString(CultureInfo.InvariantCulture) + " s";

    private void Draw(bool final)
    {
        lock (_gate)
        {
            if (_disposed && !final)
            {
                return;
            }

            var line = Format(_done(), _total, _stopwatch.Elapsed, _unit);
            var pad = Math.Max(0, _lastLength - line.Length);
            _writer.Write("\r" + line + new string(' ', pad) + (final ? Environment.NewLine : string.Empty));
            _writer.Flush();
            _lastLength = line.Length;
        }
    }

    /// <summary>Stops reporting; on a terminal, draws the final line and moves to the next line.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        lock (s_active)
        {
            s_active.Remove(this);
        }

        _timer?.Dispose();
        if (IsActive)
        {
            Draw(final: true);
        }

        lock (_gate)
        {
            _disposed = true;
        }
    }
}
