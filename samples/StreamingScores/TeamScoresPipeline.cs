using System;
using System.Globalization;
using Compiled;

namespace StreamingScores;

/// <summary>One line of the input with its 1-based line number.</summary>
/// <param name="Number">The line's number in the input, from 1.</param>
/// <param name="Text">The line, without its line break.</param>
public readonly record struct SourceLine(long Number, string Text);

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
[Pipeline]
public partial class TeamScoresPipeline
{
    static void Define(PipelineBuilder p)
    {
        var (events, deadLetters) = p.Create<SourceLine>("lines")
            .ParDo<GameEvent, DeadLetter>(static (line, parsed, malformed) =>
            {
                if (GameEventCsv.TryParse(line.Text, out var e, out var reason))
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
            .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
            .Map(static e => KV.Of(e.Team, (long)e.Score))
            .CombinePerKey(Combiners.Sum<long>())
            .Output("teamTotals");
        deadLetters.Output("deadLetters");
    }
}

/// <summary>Parses <c>timestampMillis,user,team,score</c>.</summary>
public static class GameEventCsv
{
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

        value = new GameEvent(time, user.ToString(), team.ToString(), score);
        reason = string.Empty;
        return true;
    }
}
