using System.Text.RegularExpressions;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>The kind of fact a question asks for, which decides the sentence that answers it.</summary>
[Flags]
public enum AnswerKind
{
    None = 0,

    /// <summary>"how long", "how far ahead", "how soon": a number of days, weeks, months.</summary>
    Duration = 1,

    /// <summary>"how much", "what share", "what discount": an amount of money or a percentage.</summary>
    Amount = 2,

    /// <summary>"when", "by what day": a date, a day of a timeline, or a moment ("after approval").</summary>
    Time = 4,

    /// <summary>"where": a place, a portal page, a region.</summary>
    Place = 8,

    /// <summary>"who": a role or a person.</summary>
    Person = 16,

    /// <summary>"how many": a count.</summary>
    Count = 32,

    /// <summary>"how often": a frequency.</summary>
    Frequency = 64,

    /// <summary>"can I", "does it", "is there": the sentence that settles yes or no.</summary>
    YesNo = 128,

    /// <summary>"what do I need", "what are the steps", "which offers": a list, said whole.</summary>
    List = 256,

    /// <summary>"why": a reason.</summary>
    Reason = 512,

    /// <summary>"what is X", "what does X mean": what X is, which the opening of X's section usually says.</summary>
    Definition = 1024,

    /// <summary>"an example of": a worked example.</summary>
    Example = 2048,

    /// <summary>"how is X calculated", "what's the formula": the calculation, said with = or ÷.</summary>
    Formula = 4096,
}

/// <summary>One thing a question asks: its kind, the words (stems) it asks about, and the words of the
/// context said before it ("we're silver right now - what do we get at gold?"), which count for less.</summary>
public sealed record Ask(string Text, AnswerKind Kind, IReadOnlySet<string> Stems)
{
    public IReadOnlySet<string> Context { get; init; } = new HashSet<string>();
}

/// <summary>
/// Reads what a question asks for. A question with two asks in one sentence ("how long is it
/// protected and can it be extended") gives two, so the answer can carry both facts. Also tells
/// whether a sentence carries a fact of a kind (a duration, an amount, a role…).
/// </summary>
public static partial class QuestionAsks
{
    public static IReadOnlyList<Ask> Parse(string question)
    {
        var asks = new List<Ask>();
        var context = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clause in Clauses(question))
        {
            var stems = Stems(clause);
            var kind = KindOf(clause);
            if (kind == AnswerKind.None && !QuestionStart().IsMatch(clause))
            {
                // "two resellers registered the same customer, who wins?": the words before the
                // question say what it is about, but ask for nothing of their own.
                context.UnionWith(stems);
                continue;
            }

            context.ExceptWith(stems);
            if (stems.Count > 0 || kind != AnswerKind.None)
            {
                asks.Add(new Ask(clause, kind, stems) { Context = context });
            }

            context = new HashSet<string>(StringComparer.Ordinal);
        }

        if (asks.Count == 0)
        {
            return [new Ask(question, KindOf(question), Stems(question))];
        }

        if (context.Count > 0)
        {
            asks[^1] = asks[^1] with { Context = new HashSet<string>(asks[^1].Context.Concat(context).Except(asks[^1].Stems), StringComparer.Ordinal) };
        }

        return asks;
    }

    /// <summary>The question's clauses: split at question marks, and at "and", "or", commas or dashes
    /// that start a new question ("…, and can it be extended").</summary>
    private static IEnumerable<string> Clauses(string question)
    {
        foreach (var sentence in question.Split(['?', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var start = 0;
            foreach (Match border in ClauseBorder().Matches(sentence))
            {
                var piece = sentence[start..border.Index].Trim(' ', ',', ';', '-', '—', '–');
                if (piece.Length > 0)
                {
                    yield return piece;
                }

                start = border.Index + border.Groups["joint"].Length;
            }

            var last = sentence[start..].Trim(' ', ',', ';', '-', '—', '–', '.');
            if (last.Length > 0)
            {
                yield return last;
            }
        }
    }

    /// <summary>The kinds of fact a clause asks for.</summary>
    public static AnswerKind KindOf(string clause)
    {
        var text = " " + clause.ToLowerInvariant().Replace('’', '\'') + " ";
        var kind = AnswerKind.None;
        if (DurationQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Duration;
        }

        if (AmountQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Amount;
        }

        if (CountQuestion().IsMatch(text) && !DurationQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Count;
        }

        if (FrequencyQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Frequency;
        }

        if (TimeQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Time;
        }

        if (PlaceQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Place;
        }

        if (PersonQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Person;
        }

        if (ReasonQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Reason;
        }

        if (ListQuestion().IsMatch(text))
        {
            kind |= AnswerKind.List;
        }

        if (DefinitionQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Definition;
        }

        if (ExampleQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Example;
        }

        if (FormulaQuestion().IsMatch(text))
        {
            kind |= AnswerKind.Formula;
        }

        if (kind == AnswerKind.None && YesNoQuestion().IsMatch(text))
        {
            kind |= AnswerKind.YesNo;
        }

        return kind;
    }

    /// <summary>The kinds of fact a sentence carries.</summary>
    public static AnswerKind Carries(string sentence)
    {
        var text = " " + sentence.ToLowerInvariant() + " ";
        var kind = AnswerKind.None;
        if (DurationFact().IsMatch(text))
        {
            kind |= AnswerKind.Duration | AnswerKind.Time;
        }

        if (AmountFact().IsMatch(text))
        {
            kind |= AnswerKind.Amount;
        }

        if (CountFact().IsMatch(text))
        {
            kind |= AnswerKind.Count;
        }

        if (FrequencyFact().IsMatch(text))
        {
            kind |= AnswerKind.Frequency;
        }

        if (TimeFact().IsMatch(text))
        {
            kind |= AnswerKind.Time;
        }

        if (PlaceFact().IsMatch(sentence))
        {
            kind |= AnswerKind.Place;
        }

        if (PersonFact().IsMatch(" " + string.Join(' ', sentence.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(5)) + " "))
        {
            kind |= AnswerKind.Person;
        }

        if (ReasonFact().IsMatch(text))
        {
            kind |= AnswerKind.Reason;
        }

        if (SettlingFact().IsMatch(text))
        {
            kind |= AnswerKind.YesNo;
        }

        if (ExampleFact().IsMatch(text))
        {
            kind |= AnswerKind.Example;
        }

        if (FormulaFact().IsMatch(text))
        {
            kind |= AnswerKind.Formula;
        }

        return kind;
    }

    /// <summary>The codes of rules or sections a question names ("RoE-4"); registration and MDF request numbers are records,
    /// not sections.</summary>
    public static IReadOnlyList<string> RuleCodes(string question) => RuleCode().Matches(question).Select(m => m.Value).ToList();

    /// <summary>The abbreviation a question asks the meaning of ("VAR stands for?", "what does ISV mean"), upper case; null
    /// for any other question.</summary>
    public static string? AbbreviationAsked(string question) =>
        AbbreviationQuestion().Match(question) is { Success: true } asked && !KeywordTerms.IsStopWord(asked.Groups["term"].Value.ToLowerInvariant())
            ? asked.Groups["term"].Value.ToUpperInvariant()
            : null;

    [GeneratedRegex(@"^\s*(?:so\s+|and\s+|ok\s+)?(?:what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(?<term>[a-z]{2,6}?)s?\s+(?:stand\s+for|mean)|(?:what's\s+|whats\s+|what\s+is\s+)?(?:an?\s+|the\s+)?(?<term>[a-z]{2,6}?)s?\s+(?:stands?\s+for|means\s+what))\s*\??\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex AbbreviationQuestion();

    /// <summary>Whether a section (its path, "Rules of engagement › RoE-4 Incumbency") is headed by a code.</summary>
    public static bool Heads(string section, string code) =>
        Regex.IsMatch(section.Split(" › ")[^1], $@"(?<![\w-]){Regex.Escape(code)}(?![\w-])", RegexOptions.IgnoreCase);

    [GeneratedRegex(@"(?<![\w-])(?!(?:dr|mdf)-)[A-Za-z]{2,5}-\d{1,3}(?![\w-])", RegexOptions.IgnoreCase)]
    private static partial Regex RuleCode();

    /// <summary>Content words of a text, lower case and stemmed; the words every question uses ("what",
    /// "need") are left out, numbers are kept, and a code like "RoE-5" also counts as one word ("roe5").</summary>
    public static HashSet<string> Stems(string text)
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match token in Token().Matches(text.ToLowerInvariant()))
        {
            var parts = token.Value.Split('-');
            if (parts.Length == 2 && parts[0].All(char.IsLetter) && parts[1].All(char.IsDigit))
            {
                stems.Add(parts[0] + parts[1]);
            }

            foreach (var part in parts)
            {
                if (part.All(char.IsDigit) ? part.Length > 0 : part.Length > 1 && !KeywordTerms.IsStopWord(part) && !QuestionWords.Contains(part))
                {
                    stems.Add(Stem(part));
                }
            }
        }

        return stems;
    }

    /// <summary>Whether a word of the question is among a text's words: the same stem, or one that only the
    /// light stemmer kept apart ("extend" and "extension", "approve" and "approval": a common start of at
    /// least five letters and four fifths of the shorter).</summary>
    public static bool Contains(IReadOnlySet<string> words, string stem)
    {
        if (words.Contains(stem))
        {
            return true;
        }

        if (stem.Length < 5 || stem.Any(char.IsDigit))
        {
            return false;
        }

        foreach (var word in words)
        {
            var shorter = Math.Min(word.Length, stem.Length);
            if (shorter < 5)
            {
                continue;
            }

            var common = 0;
            while (common < shorter && word[common] == stem[common])
            {
                common++;
            }

            if (common >= 5 && common * 5 >= shorter * 4)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The shared light stemmer, and a final "e" dropped so "reimburse" meets "reimburses".</summary>
    private static string Stem(string word)
    {
        var stem = KeywordTerms.Stem(word);
        return stem.Length > 4 && stem.EndsWith('e') ? stem[..^1] : stem;
    }

    private static readonly HashSet<string> QuestionWords =
    [
        // What is left of a contraction once the apostrophe splits it ("doesn't" → "doesn").
        "doesn", "don", "isn", "aren", "wasn", "weren", "wouldn", "couldn", "shouldn", "haven", "hasn", "didn", "re", "ve", "ll", "ain",
        // Chat words that say how someone asks, not what about.
        "pls", "plz", "bc", "btw", "tbh", "thx", "lol", "okay", "hello", "hiya", "yo", "gonna", "wanna", "kinda", "stuff", "really", "worry",
        "worried", "terrible", "extra", "else", "basically", "literally", "quick", "quickly", "anyway", "maybe", "probably", "honestly", "seriously", "super",
        "whats", "info", "information", "like", "actually", "right", "now", "exactly", "roughly", "usually", "normally", "ask", "asking",
        "rules", "one", "someone", "somebody", "anything", "thing", "things", "way", "ways", "long", "far", "soon", "often", "happens", "happen",
        "make", "lot", "kind", "sort", "guys", "wondering", "quick", "question", "mean", "means", "work", "works", "does", "did",
    ];

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*")]
    private static partial Regex Token();

    [GeneratedRegex(@"(?<joint>\s*(?:,|;|\s-\s|\s?—\s?|\s?–\s?)\s*(?:(?:and|or|but|also|plus|like)\s+)?|\s+(?:and|or|but|also|plus|like)\s+)(?=(?:(?:at|in|on|for|by|to|from|with|of)\s+)?(?:how|what|what's|whats|when|where|who|whom|which|why|can|could|do|does|did|is|are|will|would|should|must|may)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex ClauseBorder();

    [GeneratedRegex(@"\bhow (long|soon|quickly|fast|far (ahead|in advance|before)|much time|late)\b|\bhow many (business )?(days|weeks|months|years|hours)\b|\bdeadline\b|\btime limit\b|\bhalf-life\b|\bhalf life\b|\bturnaround\b|\bhow much (notice|lead time)\b|\blead time\b")]
    private static partial Regex DurationQuestion();

    [GeneratedRegex(@"\bhow much\b|\bwhat (percentage|percent|share|%|proportion|rate|amount|discount|revenue|price|cost)\b|\bwhat's the (discount|rate|accrual|price|cost|amount|split|percentage|share)\b|\bwhat('s| is) the [a-z- ]*(discount|accrual|percentage|share)\b|\b(discount|accrual|reimburse\w*|percentage|pay back)\b|\bratio\b|\brelative to\b|\bhow many times\b|\bmultiple of\b")]
    private static partial Regex AmountQuestion();

    [GeneratedRegex(@"\bhow many\b|\bnumber of\b|\bhow much of\b")]
    private static partial Regex CountQuestion();

    [GeneratedRegex(@"\bhow often\b|\bhow frequently\b|\bhow many times\b")]
    private static partial Regex FrequencyQuestion();

    [GeneratedRegex(@"^\s*(so |and |but |like |then )?(when|by when|until when)\b|\bwhen (do|does|is|are|will|should|must|can|did)\b|\bwhat (day|date|time)\b|\bby what day\b|\bat what point\b|\bby which day\b")]
    private static partial Regex TimeQuestion();

    [GeneratedRegex(@"^\s*(so |and |but |like |then )?where\b|\bwhere (can|do|does|is|are|should|would|in)\b|\bwhich (page|menu|tab|region|site)\b")]
    private static partial Regex PlaceQuestion();

    [GeneratedRegex(@"^\s*(so |and |but |like |then )?(who|whom|who's)\b|\bwhich (team|person|role)\b|\bwho (is|are|does|do|decides|approves|assigns|settles|reviews|owns|gets|can|should|must)\b")]
    private static partial Regex PersonQuestion();

    [GeneratedRegex(@"^\s*(so |and |but |like |then )?why\b|\bwhy (do|does|is|are|would|should|did|was|were)\b|\bwhat for\b|\breasons?\b")]
    private static partial Regex ReasonQuestion();

    [GeneratedRegex(@"\bwhat (do|does|would|should|must) (i|we|you|they|it|a|an|the|my|our) ?[a-z- ]*\b(need|include|contain|cover|require|get|give|check|provide|offer|list)\b|\bwhat (are|were) (the|our|my|all)? ?[a-z- ]*\b(requirements|steps|rules|reasons|items|types|benefits|documents|options|ways|offers|stages|phases|courses|rights|models|layers|criteria|levels|checks|duties|components)\b|\bwhich [a-z- ]*\b(offers|steps|types|items|courses|documents|rights|models)\b|\bwhat (extra|else|benefits?|perks?)\b|\bwhat (kind|kinds|sort|types) of\b|\bwhat counts\b|\blist\b|\bwhat paperwork\b|\bwhat (?:must|should|has to|needs to) be (?:on|in)\b|\bchecklist\b|\brequirements?\b|\bwhat (should|do|must) (i|we) (put|include|send|bring|prepare|have|attach|add)\b|\bwhat [a-z]+ (do|does|would|should|must) (i|we|you|they) (need|have|get|provide)\b|^\s*(so |and |but |like |then )?which [a-z-]+s\b")]
    private static partial Regex ListQuestion();

    [GeneratedRegex(@"^\s*(?:(?:so|and|but|like|then|ok|also)\s+)?(?:(?:at|in|on|for|by|to|from|with|of)\s+)?(how|what|what's|whats|when|where|who|whom|which|why|tell me|explain|describe|define|list|show)\b", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionStart();

    [GeneratedRegex(@"^\s*(so |and |but |like |then |ok )?whats (a |an |the )?[a-z0-9-]+( [a-z0-9-]+){0,3}\s*about\s*$|^\s*(so |and |but |like |then |ok )?(what|what's|whats) (is|are|'s|was) (a |an |the )?[a-z0-9-]+( [a-z0-9-]+){0,3}\s*(about|exactly|again)?\s*$|\bwhat (does|do) [a-z0-9 -]+ (mean|stand for)\b|\bstands? for\??\s*$|^\s*(define|explain) |\bmeaning of\b")]
    private static partial Regex DefinitionQuestion();

    [GeneratedRegex(@"\bexamples?\b|\bworked\b|\bfor instance\b|\bsample\b")]
    private static partial Regex ExampleQuestion();

    [GeneratedRegex(@"\b(calculated|calculate|calculation|computed|compute|worked out|work out|formula|maths?|equation)\b")]
    private static partial Regex FormulaQuestion();

    [GeneratedRegex(@"[=÷×]|\bdivided by\b|\bmultiplied by\b|\bminus\b|\bformula\b")]
    private static partial Regex FormulaFact();

    [GeneratedRegex(@"^\s*example\b|\bfor example\b|\bfor instance\b|\be\.g\.|\bexample:")]
    private static partial Regex ExampleFact();

    [GeneratedRegex(@"^\s*(can|could|do|does|did|is|are|was|were|will|would|should|shall|must|may|has|have|am|if)\b")]
    private static partial Regex YesNoQuestion();

    [GeneratedRegex(@"\b\d+(\.\d+)?[ -](business |calendar |working )?(days?|weeks?|months?|years?|hours?|minutes?)\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve)[ -](business )?(days?|weeks?|months?|years?|hours?|minutes?)\b|\bday \d+\b|\bhalf-life\b")]
    private static partial Regex DurationFact();

    // A multiple ("at least 10 times the requested amount", "3x") is an amount relative to another.
    [GeneratedRegex(@"\d\s?%|\$\s?\d|\b\d[\d,.]*\s?(eur|usd|gbp|dollars|euros|million|k)\b|\bhalf\b|\bnone\b|\bfree\b|\bno cost\b|\b\d+(\.\d+)?\s?(times|x)\b|\b(twice|three times|four times|five times|ten times) (the|as much|as many|what)\b")]
    private static partial Regex AmountFact();

    [GeneratedRegex(@"\b\d+\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|once|twice|single)\b")]
    private static partial Regex CountFact();

    [GeneratedRegex(@"\b(every|each|per|once a|twice a) (day|week|month|quarter|year|\d+ (days|weeks|months|years))\b|\b(daily|weekly|monthly|quarterly|annually|yearly)\b|\bonce per\b|\brenewed every\b|\bonly once\b")]
    private static partial Regex FrequencyFact();

    [GeneratedRegex(@"\b(before|after|within|until|from|by|at the (start|end)|as soon as|once|on the)\b.*\b(day|days|date|week|month|quarter|year|approval|expiry|submission|invitation|onboarding|activity|close|deal)\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b|\b\d{1,2} (jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)")]
    private static partial Regex TimeFact();

    [GeneratedRegex(@"→|\b(portal|region|page|menu|tab|channel|site|folder|mailbox|catalogue|catalog|under [A-Z])\b|@|https?://")]
    private static partial Regex PlaceFact();

    /// <summary>A role or person as the subject: looked for in a sentence's first five words ("Your named channel manager assigns…").</summary>
    [GeneratedRegex(@"\b(managers?|admins?|teams?|engineers?|executives?|architects?|specialists?|consultants?|analysts?|advisers?|advisors?|experts?|ae|se|leads?|directors?|officers?|owners?|users?|reps?|representatives?|partners?|reviewers?|judges?|jury|panel|committee|board|staff|person|people|anyone|any user|you|compliance|enablement|customers?|integrators?|resellers?|msp|si|isv)\b")]
    private static partial Regex PersonFact();

    [GeneratedRegex(@"\bbecause\b|\bso that\b|\bthe reason\b|\bwhy\b|\bin order to\b|\bso nobody\b|\bso everyone\b|\bthat is why\b|\bthis is why\b|\bso\b")]
    private static partial Regex ReasonFact();

    [GeneratedRegex(@"\b(no|not|never|cannot|can't|only|yes|must|always|don't|doesn't|won't|stays?|keeps?|lose|loses|stops?|counts?|applies|apply)\b|n't\b")]
    private static partial Regex SettlingFact();
}
