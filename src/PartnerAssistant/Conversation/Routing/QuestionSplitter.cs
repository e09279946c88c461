using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>A message split into the questions and requests it carries.</summary>
/// <param name="Parts">Each question or request, in order, without the filler that joined them.</param>
/// <param name="Lead">A general question the parts only spell out ("what are the rules? like how long…"): not
/// answered on its own, but the context the parts are read in.</param>
public sealed record SplitMessage(IReadOnlyList<string> Parts, string? Lead);

/// <summary>A part read as two things asked for with one verb (<see cref="QuestionSplitter.Conjoined"/>).</summary>
/// <param name="First">What comes before "and"/"plus".</param>
/// <param name="Second">What comes after it, with the first half's verb when it had one of its own.</param>
/// <param name="SharedVerb">The part starts with a verb of asking to see ("show", "give me") that both halves share.</param>
/// <param name="Additive">Joined by a word that only ever adds ("plus", "as well as").</param>
/// <param name="AsksHowItWorks">The second half is a question about how something works.</param>
public sealed record ConjoinedReading(string First, string Second, bool SharedVerb, bool Additive, bool AsksHowItWorks);

/// <summary>
/// Splits a message that asks two or three things ("show my registrations, and also how much MDF do we
/// have left?") at question marks, semicolons, sentence ends and at "and"/"also" in front of a new
/// question or request, so each is routed and answered with its own sources. A clause that only spells
/// out the one before it ("… like how long is it protected") replaces that one. Greetings and thanks
/// between questions are dropped.
/// </summary>
public static partial class QuestionSplitter
{
    public const int MaxParts = 3;

    public static SplitMessage Split(string text)
    {
        var pieces = new List<string>();
        foreach (var sentence in SentenceEnd().Split(text.Trim()))
        {
            pieces.AddRange(AtJoints(sentence));
        }

        var parts = new List<string>();
        string? lead = null;
        foreach (var piece in pieces.Select(p => p.Trim(' ', ',', ';', '\n', '\r', '\t')).Where(p => p.Length > 0))
        {
            var elaborates = Elaboration().IsMatch(piece);
            var part = Filler().Replace(Elaboration().Replace(piece, ""), "").Trim(' ', ',');
            if (part.Length == 0 || (Courtesy().IsMatch(part) && pieces.Count > 1))
            {
                continue;
            }

            if (elaborates && parts.Count > 0)
            {
                lead = parts[^1];
                parts.RemoveAt(parts.Count - 1);
            }

            // A fragment of one or two words is part of its neighbour, not a question of its own.
            if (parts.Count > 0 && Words(part) < 3 && !part.EndsWith('?'))
            {
                parts[^1] += " " + part;
                continue;
            }

            parts.Add(part);
        }

        if (parts.Count == 0)
        {
            return new SplitMessage([text.Trim()], null);
        }

        while (parts.Count > MaxParts)
        {
            parts[^2] += " " + parts[^1];
            parts.RemoveAt(parts.Count - 1);
        }

        return new SplitMessage(parts, lead);
    }

    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>
    /// Two things a request may ask for with one verb ("show the review queue and the pending tier proposals", "PSAT for MSPs
    /// this quarter, plus the program overview"), which <see cref="Split"/> leaves together because the second has no verb of
    /// its own: each place the part could be cut at "and", "plus", "as well as", with the second half given the first's verb.
    /// Only a reading: the words cannot tell two things from one described twice, so the router keeps it when each half goes
    /// to a different action. A second half that does not start as a thing does ("the…", "our…", a name) nor asks a
    /// question of its own describes the first ("registrations that are approved and expiring this month") and is not offered.
    /// </summary>
    public static IEnumerable<ConjoinedReading> Conjoined(string part)
    {
        var verb = ShowingVerb().Match(part);
        foreach (Match joint in Conjunction().Matches(part))
        {
            var first = part[..joint.Index].Trim();
            var second = AlsoAtTheEnd().Replace(part[(joint.Index + joint.Length)..], "").Trim();
            var asksHow = QuestionForm.Of(second).AsksHowItWorks;
            if (Words(first) < 2 || Words(second) < 2 || (!asksHow && !ThingStart().IsMatch(second)))
            {
                continue;
            }

            var shared = verb.Success && !asksHow && !ShowingVerb().IsMatch(second);
            yield return new ConjoinedReading(first, shared ? verb.Value + second : second, verb.Success, joint.Groups["additive"].Success, asksHow);
        }
    }

    /// <summary>"and", "plus", "as well as" between two things asked for; "plus" and "as well as" only ever add one.</summary>
    [GeneratedRegex(@"(?:,\s*|\s+)(?:and(?: also)?|(?<additive>plus|as well as|along with|together with))\s+|,\s+(?=(?:and\s+)?(?:remind|tell|show|give|also)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex Conjunction();

    /// <summary>The verb a request for something to see starts with ("show me", "give me", "pull up").</summary>
    [GeneratedRegex(@"^(?:(?:ok|okay|hey|please|pls|plz|can you|could you|would you)[,]?\s+)*(?:show(?: me| us)?|give me|get me|send me|pull up|bring up|list|display|let me see|i need|i want|i'd like)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ShowingVerb();

    [GeneratedRegex(@"^(?:(?:the|our|my|your|this|these|those|a|an|all|any|every|each|their|its|last|next|current)\b|(?-i:[A-Z])[\w-])", RegexOptions.IgnoreCase)]
    private static partial Regex ThingStart();

    /// <summary>Words that only say the second thing is wanted too ("… and the program overview too").</summary>
    [GeneratedRegex(@"\s*\b(?:too|as well|also|please|pls|plz)\W*$", RegexOptions.IgnoreCase)]
    private static partial Regex AlsoAtTheEnd();

    /// <summary>A sentence cut at "and"/"also" before a new question, where both sides have three words or more (two before
    /// "and then" or "and also")
    /// ("how many questions are in the PSAT survey and what scale" stays whole).</summary>
    private static IEnumerable<string> AtJoints(string sentence)
    {
        var start = 0;
        foreach (Match joint in Joint().Matches(sentence))
        {
            // "and then", "and also" say a second request follows, so a short first one ("approve DR-1043 and then …") splits too.
            // ", then" and "and" before a request's verb join two requests, not a condition and its question ("if it
            // expires, then what?") nor two verbs of one question ("how do I register and submit a deal?").
            if (joint.Groups["request"].Success && QuestionOrCondition().IsMatch(sentence[start..joint.Index].TrimStart()))
            {
                continue;
            }

            var before = joint.Value.Contains("then", StringComparison.OrdinalIgnoreCase) || joint.Value.Contains("also", StringComparison.OrdinalIgnoreCase) ? 2 : 3;
            if (Words(sentence[start..joint.Index]) >= before && Words(sentence[(joint.Index + joint.Length)..]) >= 3)
            {
                yield return sentence[start..joint.Index];
                start = joint.Index + joint.Length;
            }
        }

        yield return sentence[start..];
    }

    // After "?", ";", a line break, or ". " before a new sentence.
    // A semicolon inside a word ("tl;dr") is no sentence end.
    [GeneratedRegex(@"(?<=\?)\s+|;(?:\s+|$)|\n+|(?<=[a-z0-9)]\.)\s+(?=[A-Za-z])")]
    private static partial Regex SentenceEnd();

    // ", and also", "and also", ", also", "and then", and "and" / ", and" before a question word or a request's verb. A verb like "could" or
    // "is" starts a new question only with a subject of its own ("… and could you…", "… and is it…"): in "we're running a
    // webinar and could use some MDF" it continues the sentence.
    [GeneratedRegex(@",?\s+and\s+also\s+|,\s+also,?\s+|,?\s+and\s+then\s+|(?<request>,\s+then\s+)|,?\s+(?:and|plus)\s+(?:(?=(?:what|what's|how|when|where|who|which|why|tell me|remind me|let me know|show|list|give me|explain|by when|if)\b)|(?<request>(?=(?:approve|reject|decline|extend|register|submit|claim|mark|reindex|re-index|retire|evaluate|confirm|invite|upload|publish|flag|highlight|check (?:whether|if))\b))|(?=(?:can|could|is|are|do|does|will|would|should)\s+(?:i|we|you|it|they|he|she|there|this|that|these|those|the|a|an|my|our|your|its|their|anyone|anybody|someone|(?-i:[A-Z])\w*|dr[\s-]?\d|mdf[\s-]?\d)\b))", RegexOptions.IgnoreCase)]
    private static partial Regex Joint();

    [GeneratedRegex(@"^(?:what|what's|how|when|when's|where|who|who's|which|why|can|could|do|does|is|are|if|once|after|before|unless|in case)\b", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionOrCondition();

    [GeneratedRegex(@"^(?:like|e\.g\.|eg|for example|for instance|such as|i\.e\.|specifically|in particular)[,:]?\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Elaboration();

    [GeneratedRegex(@"^(?:(?:and|also|plus|then|so|ok|okay|cool|great|thanks|thank you|thx|but)[,:!.]?\s+|" + ConditionLead + @",\s+)+", RegexOptions.IgnoreCase)]
    private static partial Regex Filler();

    /// <summary>Words in front of a request that make it depend on the answer before ("is Pinewood Logistics registered by
    /// anyone? if not, register it for us"): the request is what follows the comma, and its confirmation card leaves the
    /// condition to the person.</summary>
    internal const string ConditionLead = "(?:if not|if so|if yes|if no|otherwise|in that case)";

    [GeneratedRegex(@"^(?:thanks|thank you|thx|ty|cheers|ok|okay|cool|great|hi|hello|hey|hiya)[!. ]*$", RegexOptions.IgnoreCase)]
    private static partial Regex Courtesy();
}
