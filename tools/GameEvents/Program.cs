using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

// Writes the game events the StreamingScores sample reads: CSV lines "timestampMillis,user,team,score",
// in arrival order. Event times are out of order by up to 4 s (within the sample's default 5 s bound);
// a few events arrive minutes late (their window has fired: the sample drops and counts them); a few
// lines are malformed (the sample sends them to its dead-letter output). Deterministic: the same
// arguments give the same bytes.
//
//   dotnet run --project tools/GameEvents -- samples/data/game-events.csv [events]
var path = args.Length > 0 ? args[0] : "samples/data/game-events.csv";
var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60_000;
var random = new Random(20260101);

const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const long MaxDisorderMs = 4_000;
string[] teams = { "Amber", "Bronze", "Cobalt", "Crimson", "Emerald", "Indigo", "Jade", "Violet" };
var users = Enumerable.Range(0, 400).Select(i => (Name: "user" + i.ToString("D3", CultureInfo.InvariantCulture), Team: teams[random.Next(teams.Length)])).ToArray();

// Arrivals: a steady stream (about 5.5 events a second, busier in some minutes than others).
var arrivals = new List<(long Arrival, long EventTime, string Line)>(count);
var clock = Start;
for (var i = 0; i < count; i++)
{
    var busy = 1.0 + 0.8 * Math.Sin((clock - Start) / 600_000.0);
    clock += 1 + (long)(random.NextDouble() * 360 / busy);
    var user = users[random.Next(users.Length)];
    var score = 1 + random.Next(20) + (random.Next(50) == 0 ? 80 : 0);
    var eventTime = clock - (long)(random.NextDouble() * MaxDisorderMs);

    // About one event in 500 arrives late: produced 70 s to 4 min before it arrives, after its window fired.
    if (random.Next(500) == 0)
    {
        eventTime = clock - 70_000 - random.Next(170_000);
    }

    arrivals.Add((clock, eventTime, $"{eventTime},{user.Name},{user.Team},{score}"));
}

// A few malformed lines, each kind once or twice, at fixed places.
string[] malformed =
{
    "1767225700000,user001,Amber",                 // three fields
    "1767225800000,user002,Bronze,12,extra",       // five fields
    "yesterday,user003,Cobalt,5",                  // timestamp not a number
    "1767225900000,user004,Crimson,many",          // score not a number
    "",                                            // empty line
    "1767226000000,,Jade,4",                       // empty user
    "1767226100000,user005,,9",                    // empty team
    "-5,user006,Violet,3",                         // negative timestamp
    "1767226200000;user007;Indigo;8",              // wrong separator
    "1767226300000,user008,Emerald,99999999999",   // score out of range
};
var text = new StringBuilder();
var next = 0;
for (var i = 0; i < arrivals.Count; i++)
{
    if (next < malformed.Length && i == (next + 1) * (arrivals.Count / (malformed.Length + 1)))
    {
        text.Append(malformed[next++]).Append('\n');
    }

    text.Append(arrivals[i].Line).Append('\n');
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
var late = arrivals.Count(a => a.Arrival - a.EventTime > MaxDisorderMs);
Console.WriteLine($"{path}: {arrivals.Count:N0} events ({late} late), {malformed.Length} malformed lines, {text.Length / 1024.0 / 1024.0:F2} MB");
