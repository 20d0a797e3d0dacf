using System;
using System.Globalization;
using Compiled;

namespace StreamingScores;

/// <summary>One line of the input with its 1-based line number.</summary>
/// <param name="Number">The line's number in the input, from 1.</param>
/// <param name="Text">The line, without its line break; only its start when the line was too long to keep.</param>
/// <param name="Length">The line's full length in characters.</param>
public readonly record struct SourceLine(long Number, string Text, long Length)
{
    /// <summary>A line kept whole.</summary>
    /// <param name="number">The line's number in the input, from 1.</param>
    /// <param name="text">The line, without its line break.</param>
    public SourceLine(long number, string text)
        : this(number, text, text.Length)
    {
    }
}

/// <summary>A scored game event.</summary>
/// <param name="TimeMs">Event time, milliseconds since the Unix epoch.</param>
/// <param name="User">The player.</param>
/// <param name="Team">The player's team.</param>
/// <param name="Score">Points scored.</param>
public readonly record struct GameEvent(long TimeMs, string User, string Team, int Score);

/// <summary>A line that is not a game event, and why.</summary>
/// <param name="Line">The line's number in the input.</param>
/// <param name="Reason">What is wrong with it.</param>
/// <param name="Text">The line.</param>
public readonly record struct DeadLetter(long Line, string Reason, string Text);

/// <summary>
/// Beam's mobile-gaming team score, streaming: parse CSV lines (malformed ones to a dead-letter output),
/// take each event's time as its timestamp, window into fixed one-minute windows, sum the score per team.
/// </summary>
[Pipeline(CountEveryTransform = true)] // the live dashboard shows the elements reaching every transform
public partial class TeamScoresPipeline
{
    static void Define(PipelineBuilder p)
    {
        var (events, deadLetters) = p.Create<SourceLine>("lines")
            .ParDo<GameEvent, DeadLetter>(static (line, parsed, malformed) =>
            {
                if (GameEventCsv.TryParse(line, out var e, out var reason))
                {
                    parsed.Emit(e);
                }
                else
                {
                    malformed.Emit(new DeadLetter(line.Number, reason, line.Text));
                }
            });
        var timestamped = events.WithTimestamps(static e => new Instant(e.TimeMs));
        timestamped.Output("accepted");
        timestamped
            .Window(Compiled.Windows.Fixed(TimeSpan.FromMinutes(1)))
            .Map(static e => KV.Of(e.Team, (long)e.Score))
            .CombinePerKey(Combiners.Sum<long>())
            .Output("teamTotals");
        deadLetters.Output("deadLetters");
    }
}

/// <summary>
/// Parses <c>timestampMillis,user,team,score</c>. Anything else is a malformed line, with a reason: an empty
/// line, a line longer than <see cref="MaxLineLength"/>, a field count other than 4, a timestamp that is not a
/// whole number of milliseconds from 1970-01-01 to <see cref="MaxTimeMs"/>, an empty user or team, a score
/// that is not a non-negative 32-bit integer.
/// </summary>
public static class GameEventCsv
{
    /// <summary>
    /// The longest line kept, in characters: game events are a few dozen. A longer line is malformed, and the
    /// reader keeps only its start, so a file without line breaks cannot exhaust memory.
    /// </summary>
    public const int MaxLineLength = 1024;

    /// <summary>
    /// The latest event time accepted: 9999-12-31T00:00:00Z, the last day .NET dates can hold, so that every
    /// window prints as a date. Later timestamps are malformed: up to <see cref="long.MaxValue"/> they reach past
    /// Beam's end of time (<see cref="Instant.MaxValue"/>), where window bounds no longer fit in a long.
    /// </summary>
    public const long MaxTimeMs = 253_402_214_400_000;

    /// <summary>Parses one line of the input; on failure, says why in <paramref name="reason"/>.</summary>
    /// <param name="line">The line, possibly cut (see <see cref="MaxLineLength"/>).</param>
    /// <param name="value">The event, when the line is one.</param>
    /// <param name="reason">What is wrong with the line, when it is not.</param>
    /// <returns>True when the line is a game event.</returns>
    public static bool TryParse(SourceLine line, out GameEvent value, out string reason)
    {
        if (line.Length > MaxLineLength)
        {
            value = default;
            reason = TooLong(line.Length);
            return false;
        }

        return TryParse(line.Text, out value, out reason);
    }

    /// <summary>Parses one line; on failure, says why in <paramref name="reason"/>.</summary>
    /// <param name="line">The line.</param>
    /// <param name="value">The event, when the line is one.</param>
    /// <param name="reason">What is wrong with the line, when it is not.</param>
    /// <returns>True when the line is a game event.</returns>
    public static bool TryParse(string line, out GameEvent value, out string reason)
    {
        value = default;
        if (line.Length == 0)
        {
            reason = "empty line";
            return false;
        }

        if (line.Length > MaxLineLength)
        {
            reason = TooLong(line.Length);
            return false;
        }

        var rest = line.AsSpan();
        Span<Range> fields = stackalloc Range[5];
        var count = rest.Split(fields, ',');
        if (count != 4)
        {
            reason = count == 5 ? "expected 4 comma-separated fields, found 5 or more" : $"expected 4 comma-separated fields, found {count}";
            return false;
        }

        if (!long.TryParse(rest[fields[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var time))
        {
            reason = "timestamp is not a non-negative whole number of milliseconds";
            return false;
        }

        if (time > MaxTimeMs)
        {
            reason = "timestamp is after 9999-12-31T00:00:00Z";
            return false;
        }

        var user = rest[fields[1]];
        var team = rest[fields[2]];
        if (user.IsWhiteSpace())
        {
            reason = "empty user";
            return false;
        }

        if (team.IsWhiteSpace())
        {
            reason = "empty team";
            return false;
        }

        if (!int.TryParse(rest[fields[3]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var score))
        {
            reason = "score is not a 32-bit integer";
            return false;
        }

        if (score < 0)
        {
            reason = "score is negative";
            return false;
        }

        value = new GameEvent(time, user.ToString(), team.ToString(), score);
        reason = string.Empty;
        return true;
    }

    private static string TooLong(long length) =>
        string.Create(CultureInfo.InvariantCulture, $"line is {length:N0} characters long, more than {MaxLineLength:N0}");
}
