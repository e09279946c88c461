using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartnerAssistant.Deals;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>What the last question or request was about, kept in the conversation state for the next turn.</summary>
public sealed record TurnContext(string Text, string Intent, DateTimeOffset At);

/// <summary>A follow-up read against what came before: the text to route instead, and why.</summary>
public sealed record FollowUp(string Text, string? SameIntentAs);

/// <summary>
/// Reads a follow-up against the question before it (in the same message, or the previous turn within
/// <see cref="RouterOptions.FollowUpWindow"/>): "what about Gold?" after a question about Silver asks the same
/// question about Gold; "and can it be extended?" after a question about protection asks whether the
/// registration can be extended; "extend it" after "status of DR-1042" extends DR-1042. Anything that
/// names what it is about is left as it is.
/// </summary>
public static partial class FollowUps
{
    private const string CustomerQuestion = "Deals.IsCustomerRegistered";
    private const string WhoIsWorkingOn = "Deals.WhoIsWorkingOn";

    public const string StateKey = "conversation.previous";

    /// <summary>The previous turn's context, if the conversation state holds one recent enough.</summary>
    public static TurnContext? Previous(ConversationState state, DateTimeOffset now, TimeSpan window)
    {
        if (state.Values.GetValueOrDefault(StateKey) is not JsonObject node
            || node["text"]?.GetValue<string>() is not { } text
            || node["intent"]?.GetValue<string>() is not { } intent
            || node["at"]?.GetValue<DateTimeOffset>() is not { } at)
        {
            return null;
        }

        return now - at <= window ? new TurnContext(text, intent, at) : null;
    }

    public static void Remember(ConversationState state, TurnContext context) =>
        state.Values[StateKey] = new JsonObject { ["text"] = context.Text, ["intent"] = context.Intent, ["at"] = context.At };

    /// <summary>"where's that from?", "says who?", "which model produced it?": a question about the last answer itself.</summary>
    public static bool AsksAboutTheAnswer(string text) => SourceOfTheAnswer().IsMatch(text.Trim());

    /// <summary>The part rewritten with what it leaves out, or null when it stands on its own.</summary>
    /// <param name="part">The question as the user put it.</param>
    /// <param name="previous">What came before it.</param>
    /// <param name="vocabulary">Known names.</param>
    /// <param name="continues">The part follows another in the same message ("… and what do you do with the answers?"),
    /// so it may lean on it as a part starting with "and" would.</param>
    /// <param name="knowledgeIntent">The knowledge base's intent: a name in place of one in a question to the documents is
    /// no repeat of that question ("what about Sable Freight?" after "when does the Builders Cup close?").</param>
    public static FollowUp? Resolve(string part, TurnContext? previous, AssistantVocabulary vocabulary, bool continues = false, string? knowledgeIntent = null)
    {
        if (previous is null)
        {
            return null;
        }

        var own = MessageEntities.Find(part, vocabulary);
        var before = MessageEntities.Find(previous.Text, vocabulary);

        // "what about Gold?", "and for Harbor?", "and Tailspin Toys?" (or just "Tailspin Toys?"): the previous question about
        // something else of the same kind.
        // "and 2?" reaches here as "2?" (the splitter drops the "and").
        var ellipsis = Ellipsis().Match(part.Trim());
        var bareNumber = BareNumber().IsMatch(part.Trim().TrimEnd('?', '.', '!'));
        var onlyNames = own.Count > 0 && own.Sum(e => e.Length) * 10 >= part.Trim().TrimEnd('?', '.', '!').Length * 7;
        if ((ellipsis.Success && !StartsClause().IsMatch(ellipsis.Groups["rest"].Value)) || onlyNames || bareNumber)
        {
            var rest = (ellipsis.Success ? ellipsis.Groups["rest"].Value : part).Trim().TrimEnd('?', '.', '!');
            var named = own.FirstOrDefault();
            if (named is not null && before.FirstOrDefault(b => b.Class == named.Class || (IsOrganisation(b.Class) && IsOrganisation(named.Class))) is { } swapped)
            {
                var surface = part.Substring(named.Index, named.Length);
                return new FollowUp(previous.Text[..swapped.Index] + surface + previous.Text[(swapped.Index + swapped.Length)..], previous.Intent);
            }

            // "same for 1040" after "how likely is DR-1029 to close?": a bare number of as many digits in place of the registration
            // or MDF request asked about before ("and 30?" after "extend DR-1042 by 14 days" is no registration).
            if (named is null && BareNumber().IsMatch(rest) && before.FirstOrDefault(b => b.Class is EntityClass.Registration or EntityClass.MdfRequest) is { } numbered
                && previous.Text.Substring(numbered.Index, numbered.Length).Count(char.IsAsciiDigit) == rest.Length)
            {
                var prefix = numbered.Class == EntityClass.Registration ? "DR-" : "MDF-";
                return new FollowUp(previous.Text[..numbered.Index] + prefix + rest + previous.Text[(numbered.Index + numbered.Length)..], previous.Intent);
            }

            // "what about Sable Freight?" after "is Pinecrest Dental registered by anyone?": names nobody has registered are in no
            // list, but a capitalised name in place of the one asked about before is the same question about it.
            if (named is null && previous.Intent != knowledgeIntent && IsWholeName(rest)
                && CapitalisedName().Matches(previous.Text).LastOrDefault(m => m.Index > 0 && !before.Any(b => b.Index < m.Index + m.Length && m.Index < b.Index + b.Length)) is { } old)
            {
                return new FollowUp(previous.Text[..old.Index] + rest + previous.Text[(old.Index + old.Length)..], previous.Intent);
            }

            if (named is null && Words(rest) <= 5 && Topics(previous.Text) is { Length: > 0 } topic && !rest.Contains(topic, StringComparison.OrdinalIgnoreCase))
            {
                // "and the claim deadline?" after a question on MDF requests: the new thing, about the old topic.
                return new FollowUp($"{rest} ({topic})", null);
            }

            return null;
        }

        var clause = Lead().Replace(part.Trim(), "");
        var startsWithJoin = continues || clause.Length < part.Trim().Length;
        var pronoun = Pronoun().Match(clause);
        // "is Pinewood Logistics registered by anyone? if not, register it for Edge Runtime": a customer nobody has registered
        // is no name the vocabulary knows, but the question about it named it. Only a request to register "it" reads so: any
        // other "it" ("how long does it take to get approved?") is not that customer.
        if (RegistersIt().Match(clause) is { Success: true } registers && !own.Any(e => e.Class is EntityClass.Customer or EntityClass.Registration)
            && previous.Intent is CustomerQuestion or WhoIsWorkingOn && DealLanguage.FindCustomerInQuestion(previous.Text) is { } customer)
        {
            var it = registers.Groups["it"];
            return new FollowUp(clause[..it.Index] + customer + clause[(it.Index + it.Length)..], null);
        }

        if (own.Count > 0 || Words(clause) > 9 || (!pronoun.Success && !startsWithJoin))
        {
            return null;
        }

        // "where's that from?", "says who?", "where is that written?": a question about the answer itself, not about its topic.
        if (SourceOfTheAnswer().IsMatch(clause))
        {
            return null;
        }

        // "extend it", "how likely is it to close?", "what are its odds?": the thing the previous turn named.
        var referent = before.FirstOrDefault(b => b.Class is EntityClass.Registration or EntityClass.MdfRequest or EntityClass.Customer or EntityClass.Partner);
        if (referent is not null && pronoun.Success)
        {
            var name = previous.Text.Substring(referent.Index, referent.Length).TrimEnd('\'', '’', 's');
            var replacement = pronoun.Value.Equals("its", StringComparison.OrdinalIgnoreCase) ? name + "'s" : name;
            return new FollowUp(clause[..pronoun.Index] + replacement + clause[(pronoun.Index + pronoun.Length)..], null);
        }

        // "and can it be extended?" after a question on protection: the same topic, said again.
        if (Topics(previous.Text) is { Length: > 0 } topics && !HasTopic(clause))
        {
            return pronoun.Success
                ? new FollowUp(clause[..pronoun.Index] + "the " + topics + clause[(pronoun.Index + pronoun.Length)..], null)
                : new FollowUp($"{clause.TrimEnd('?', '.', '!')} ({topics})", null);
        }

        // "are distributors a partner type of their own, and what do they do?": "they" are what the question to the documents
        // just before was about, not the assistant; the part is read with that question.
        if (continues && pronoun.Success && knowledgeIntent is not null && previous.Intent == knowledgeIntent)
        {
            return new FollowUp($"{clause.TrimEnd('?', '.', '!')} ({previous.Text})", null);
        }

        return null;
    }

    /// <summary>Whether a text leans on the turn before through a pronoun this reading would replace ("approve that MDF request").</summary>
    internal static bool HasPronoun(string text) => Pronoun().IsMatch(text);

    /// <summary>The text is one capitalised name ("Sable Freight").</summary>
    private static bool IsWholeName(string text) => CapitalisedName().Match(text) is { Success: true } name && name.Length == text.Length;

    private static bool IsOrganisation(EntityClass kind) => kind is EntityClass.Customer or EntityClass.Partner;

    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static bool HasTopic(string text) => TopicWords().IsMatch(text);

    /// <summary>What a question is about, in the program's nouns: "deal registration", "MDF", "PSAT survey".</summary>
    internal static string Topics(string text)
    {
        var topics = new List<string>();
        foreach (Match match in TopicWords().Matches(text))
        {
            var noun = Noun(match.Value.ToLowerInvariant());
            if (!topics.Contains(noun))
            {
                topics.Add(noun);
            }
        }

        return string.Join(" ", topics.Take(2));
    }

    private static string Noun(string word) => word switch
    {
        _ when word.StartsWith("regist", StringComparison.Ordinal) => "registration",
        _ when word.StartsWith("protect", StringComparison.Ordinal) => "protection",
        _ when word.StartsWith("extend", StringComparison.Ordinal) || word.StartsWith("extension", StringComparison.Ordinal) => "extension",
        "funds" or "fund" or "market development funds" => "MDF",
        "mdf" => "MDF",
        "psat" or "survey" or "satisfaction survey" => "PSAT survey",
        "deals" => "deal",
        "tiers" => "tier",
        "claims" => "claim",
        _ => word,
    };

    [GeneratedRegex(@"^(?:(?:and|so|ok|okay)\s+)?(?:what|how)\s+about\s+(?<rest>.+)$|^and\s+(?:for|with|in|at|on)?\s*(?<rest>.+)$|^(?:(?:now|and|ok|okay)\s+)?(?:the\s+)?(?:same|likewise)\s+(?:for|with)\s+(?<rest>.+)$|^what\s+of\s+(?<rest>.+)$|^now\s+(?<rest>(?-i:[A-Z][a-z]|\d)[\w-]*(?:\s+(?-i:[A-Z][a-z])[\w-]*){0,2})\??$|^(?:for|with|in|at|on)\s+(?<rest>[^?\s]+(?:\s+[^?\s]+){0,3})\??$", RegexOptions.IgnoreCase)]
    private static partial Regex Ellipsis();

    [GeneratedRegex(@"^\d{1,5}$")]
    private static partial Regex BareNumber();

    [GeneratedRegex(NameMasker.CapitalisedName)]
    private static partial Regex CapitalisedName();

    // After "and", a clause of its own ("and can it be extended?") is not an ellipsis.
    [GeneratedRegex(@"^(?:what|what's|how|when|where|who|which|why|can|could|is|are|was|do|does|did|will|would|should|if|extend|show|list|tell)\b", RegexOptions.IgnoreCase)]
    private static partial Regex StartsClause();

    [GeneratedRegex(@"^(?:(?:and|also|then|so|ok|okay)[,]?\s+)+", RegexOptions.IgnoreCase)]
    private static partial Regex Lead();

    /// <summary>A question about the last answer itself; "where does that money come from?" asks about MDF, not about the answer.</summary>
    [GeneratedRegex(@"(?:^|[,.?!]\s*)says who\b|\bwhere(?:'s| is| was| does| did) (?:that|this|it)(?: (?:answer|number|figure|percentage|score|probability|estimate|info|information|claim))? (?:from|come from|coming from|written|say|said)\b|\bwhich (?:model|document|doc|article|source)s? (?:produced|gave|said|says|is) (?:that|this|it)\b|\bshow me where (?:that|this|it) is written\b|\bwhat(?:'s| is) (?:that|this|it) based on\b", RegexOptions.IgnoreCase)]
    private static partial Regex SourceOfTheAnswer();

    [GeneratedRegex(@"\b(?:it|its|that|this one|that one|them|they)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Pronoun();

    [GeneratedRegex(@"^(?:please |pls |then |(?:can|could) you )*(?:register|log|submit) (?<it>it|them|that one|this one)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegistersIt();

    [GeneratedRegex(@"\b(?:deal registrations?|registrations?|registering|register|registered|protection|protected|extension|deals?|market development funds|mdf|funds?|claims?|tiers?|silver|gold|platinum|psat|satisfaction survey|survey|onboarding|checklist|certifications?|co-sell|attribution|agreement|attestations?|gateways?|discount|rebate|benefits)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TopicWords();
}
