using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PartnerAssistant.Cards;

namespace PartnerAssistant.Prediction;

/// <summary>The reply to a scoring request: a few sentences and an Adaptive Card with the score,
/// the factors, the deal facts and what-if buttons.</summary>
public static class DealScoreCard
{
    public static string Percent(double probability) => (probability * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    /// <summary>"41 % → 53 %".</summary>
    public static string Arrow(WhatIfOutcome w) => $"{Percent(w.From)} → {Percent(w.To)}";

    /// <summary>A what-if as a rep would say it: "Adding a certified SI would take it to 53 % (from 41 %)".</summary>
    public static string Sentence(WhatIfOutcome w) =>
        $"{Capitalise(w.Change)} would {(w.To >= w.From ? "take" : "bring")} it to {Percent(w.To)} (from {Percent(w.From)})" +
        (w.Caveat is null ? "" : $"; note that {w.Caveat}");

    /// <summary>Where the odds come from, in words: the model, what it learned from, and how often it ranked right on deals it never saw.</summary>
    public static string ModelLine(DealAssessment a) =>
        string.Create(CultureInfo.InvariantCulture,
            $"These odds come from deal model {a.ModelVersion}, trained on {a.Card.Data.Rows:N0} past deals ({a.Card.Data.Source}). Tested on deals it had never seen, it ranked a won deal above a lost one {a.Card.Auc * 100:0} times in 100. Use them to decide where to spend effort, not as a decision.");

    public static string Title(DealFacts facts) =>
        facts.RegistrationNumber is { } number
            ? facts.Customer is { } customer ? $"{number} · {customer}" : number
            : facts.Customer ?? "The deal you described";

    public static string Text(DealAssessment a, IReadOnlyList<string> assumptions)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**{Title(a.Facts)}**: about **{Percent(a.Probability)}** chance to win.");
        if (a.Raising.Count > 0)
        {
            text.Append("\n\nWhat raises it most: ").Append(Join(a.Raising.Select(f => f.Words))).Append('.');
        }

        if (a.Lowering.Count > 0)
        {
            text.Append("\n\nWhat lowers it most: ").Append(Join(a.Lowering.Select(f => f.Words))).Append('.');
        }

        if (a.WhatIfs.Count > 0)
        {
            text.Append("\n\n").AppendJoin(" ", a.WhatIfs.Select(w => Sentence(w) + "."));
        }

        if (assumptions.Count > 0)
        {
            text.Append("\n\nI assumed ").Append(Join(assumptions)).Append('.');
        }

        if (a.UnknownFacts.Count > 0)
        {
            var unknown = a.UnknownFacts.Take(6).ToList();
            text.Append("\n\nI don't know ").Append(Join(unknown, "or")).Append(" yet").Append(a.UnknownFacts.Count > 6 ? ", among other things" : "")
                .Append(": tell me and I'll sharpen the estimate.");
        }

        return text.ToString();
    }

    public static JsonObject Card(DealAssessment a)
    {
        var color = a.Probability >= 0.6 ? "Good" : a.Probability >= 0.3 ? "Warning" : "Attention";
        var card = AdaptiveCardBuilder.Create()
            .Title(Title(a.Facts))
            .Text($"{Percent(a.Probability)} chance to win", size: "ExtraLarge", weight: "Bolder", color: color)
            .Facts(Facts(a.Facts));
        if (a.Raising.Count > 0)
        {
            card.Text("**What raises it**").Text(string.Join("\n", a.Raising.Select(f => $"- {Capitalise(f.Words)}")));
        }

        if (a.Lowering.Count > 0)
        {
            card.Text("**What lowers it**").Text(string.Join("\n", a.Lowering.Select(f => $"- {Capitalise(f.Words)}")));
        }

        if (a.WhatIfs.Count > 0)
        {
            card.Text("**What if**").Text(string.Join("\n", a.WhatIfs.Select(w => $"- {Sentence(w)}")));
            foreach (var w in a.WhatIfs)
            {
                card.Submit($"What if: {w.Change}", "Prediction.WhatIf", new JsonObject { ["change"] = w.Key });
            }
        }

        card.Text(ModelLine(a), subtle: true, size: "Small");
        return card.Build();
    }

    public static JsonObject WhatIfCard(DealFacts facts, WhatIfOutcome w) =>
        AdaptiveCardBuilder.Create()
            .Title($"What if: {w.Change}")
            .Text(Arrow(w), size: "ExtraLarge", weight: "Bolder", color: w.Delta >= 0 ? "Good" : "Attention")
            .Text($"{Title(facts)}: {Sentence(w)}.", subtle: true)
            .Build();

    private static IEnumerable<(string, string)> Facts(DealFacts f)
    {
        if (f.PartnerType is { } type)
        {
            yield return ("Partner", f.PartnerTier is { } tier ? $"{tier} {DealColumns.Cell(type)}" : DealColumns.Cell(type));
        }

        if (f.Route is { } route)
        {
            yield return ("Route", DealColumns.Cell(route));
        }

        if (f.AmountUsd is { } amount)
        {
            yield return ("Amount", "$" + amount.ToString("#,0", CultureInfo.InvariantCulture));
        }

        if (f.Region is { } region)
        {
            yield return ("Region", region);
        }

        if (f.Segment is { } segment)
        {
            yield return ("Customer", DealColumns.Cell(segment));
        }

        var partners = new List<string>();
        if (f.CertifiedSi == true)
        {
            partners.Add("certified SI");
        }

        if (f.CoSell == true)
        {
            partners.Add("co-sell");
        }

        if (f.InfluencePartner == true)
        {
            partners.Add("influence partner");
        }

        if (f.IsvComponent == true)
        {
            partners.Add("ISV component");
        }

        if (partners.Count > 0)
        {
            yield return ("With", string.Join(", ", partners));
        }

        if (f.ChannelConflict == true)
        {
            yield return ("Conflict", "channel conflict reported");
        }
    }

    /// <summary>"a, b and c" (or "a, b or c").</summary>
    public static string Join(IEnumerable<string> items, string last = "and")
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + $" {last} " + list[^1];
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
