using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>How a message is put: a question about how something works, a request about one's own data, an imperative.</summary>
public sealed record UtteranceForm(bool AsksHowItWorks, bool RefersToOwnData, bool IsImperative, bool AboutAttachment = false)
{
    /// <summary>A question about how the program works that names none of the caller's own things:
    /// the knowledge base answers it, whichever action's topic it is on.</summary>
    public bool IsPolicyQuestion => AsksHowItWorks && !RefersToOwnData && !IsImperative && !AboutAttachment;

    /// <summary>Both at once ("our registration got rejected, why would that happen"): the knowledge base answers
    /// the question and the action is offered as a button.</summary>
    public bool IsMixed => AsksHowItWorks && RefersToOwnData && !IsImperative && !AboutAttachment;

    /// <summary>The question asks about the rule in general even when it names one thing ("can DR-1042 be extended more
    /// than once?"): the number does not make it a request about that registration.</summary>
    public bool AsksInGeneral { get; init; }

    /// <summary>A request for something no capability does: a poem, a joke, a translation. The knowledge base takes it
    /// and says honestly that it cannot help, however close an action's words are ("write a haiku about deal registration").</summary>
    public bool IsOutOfScope { get; init; }

    /// <summary>A question for records in a state or a time window ("which registrations lose protection in the next 10
    /// days", "are there tier promotions waiting to be confirmed?"), for who holds a customer, or for where someone stands
    /// against a goal ("what is Bluewave still short of for gold?"): the program's data answers it, not the documents.</summary>
    public bool AsksForRecords { get; init; }

    /// <summary>Asks how something works in words that say so ("how long…", "can I…", "what happens if…"), not only as
    /// "what is X" (which also asks what an answer just given says: "what's the fault risk?").</summary>
    public bool AsksAboutRules { get; init; }
}

/// <summary>
/// Tells questions about how the program works from requests about one's own data and imperatives, by the
/// words people use for each: "how long…", "what do I need…", "when does…", "can I…", "what happens if…"
/// ask how something works; "my", "our", "show", "register", "approve" ask for an action. The conversation
/// router uses it to send a policy question on a deal, MDF, tier, survey or onboarding topic to the
/// knowledge base even when an action's examples are closer in wording.
/// </summary>
public static partial class QuestionForm
{
    public static UtteranceForm Of(string text)
    {
        var lower = Normalise(text);
        var body = AskingFor().Replace(Lead().Replace(lower, ""), "");
        // A question can follow a remark: "we're silver right now - what extra do we get…", "our registration got rejected, why…".
        // A question of quantity whose own clause names the caller's things asks about them ("is there any money left in
        // our MDF", "how many registrations do we have"), not about how the program works ("does answering the survey
        // affect our tier?" still does).
        var clauses = Clauses().Split(body).Select(c => AskingFor().Replace(Lead().Replace(c.Trim(), ""), "")).Where(c => !(Quantity().IsMatch(c) && OwnData().IsMatch(c))).ToList();
        var rules = clauses.Any(c => HowItWorks().IsMatch(c) || Conditional().IsMatch(c));
        var asks = rules || clauses.Any(c => Definition().IsMatch(c));
        // "are there tier promotions waiting to be confirmed?" is put like a question about the rules, but asks for records.
        // A clause of its own can ask for them after a remark ("got ten minutes before my next call, is there anything on registrations
        // waiting for me to decide?").
        var records = (Clauses().Split(body).Any(c => Records().IsMatch(Lead().Replace(c.Trim(), ""))) || (Holders().IsMatch(body) && !WhatHappens().IsMatch(body)) || Standing().IsMatch(body)
                || (Figures().IsMatch(body) && !asks))
            && !Permission().IsMatch(body);
        asks &= !records;
        return new UtteranceForm(asks, OwnData().IsMatch(lower), Imperative().IsMatch(body), Attachment().IsMatch(lower))
        {
            AsksInGeneral = asks && InGeneral().IsMatch(lower),
            IsOutOfScope = OutOfScope().IsMatch(body),
            AsksForRecords = records,
            AsksAboutRules = rules && !records,
        };
    }

    /// <summary>Which, any or how many of the program's records, then a state or a time window they are in.</summary>
    [GeneratedRegex(@"^(?!what happens|what if)(?:which|what|any|are there(?: any)?|is there(?: any)?|how many|anything)\s+(?:[\w-]+\s+){0,3}?(?:registrations?|regs|deals?|requests?|claims?|promotions?|demotions?|tier changes|decisions?|proposals?|gateways?|onboardings?)\b.*\b(?:pending|waiting|outstanding|open|expir(?:e|es|ing)|laps(?:e|es|ing)|about to (?:die|end|go)|los(?:e|ing) (?:their |its )?protection|run(?:ning)? out|overdue|late|stuck|online|offline|this (?:week|month|quarter|year)|(?:in )?the next \d+ (?:days|weeks)|in the next|before the end|to (?:confirm|approve|review|decide)|awaiting|still)\b")]
    private static partial Regex Records();

    /// <summary>Whether someone holds a customer ("does another partner already have it locked?", "do we or any other partner
    /// have a registration on them?"): the registry answers.</summary>
    [GeneratedRegex(@"\b(?:anyone|anybody|someone|somebody|any (?:other )?partners?|another partner|a partner|other partners)\s+(?:else\s+)?(?:already\s+)?(?:have|has|hold|holds|got|registered|claimed|protected|locked|owns?)\b")]
    private static partial Regex Holders();

    /// <summary>Where someone stands against a goal ("what is Bluewave still short of for gold?", "what's still blocking us",
    /// "what would it take for us to make Gold", "where does Harbor sit against the tier criteria", "what's the next step on our
    /// checklist"): their figures answer.</summary>
    [GeneratedRegex(@"\bwhat(?:'s| is)? (?:[a-z]+ )?(?:blocking|stopping|holding back|keeping) (?:us|them|me)\b|\bstill short of\b|\bwhat would it take for (?:us|them|me|[a-z]+) to\b|\bwhere (?:are we|am i|do we stand|does [\w-]+ (?:sit|stand)|do they (?:sit|stand)) (?:against|on|with|versus|vs)\b|\bhow (?:far|close) (?:are|is) (?:we|they|[\w-]+) (?:from|to)\b"
        + @"|\bwhat(?: is)? (?:the |my |our )?next (?:step|thing|task)s? (?:on|in|of|for) (?:our|my|us|me)\b")]
    private static partial Regex Standing();

    /// <summary>How the program's figures moved ("whats the PSAT trend for resellers", "how did marketplace partners rate us last
    /// quarter", "how is the program trending on time to value"): the documents say what a figure means, the program's data
    /// what it is.</summary>
    [GeneratedRegex(@"\b(?:trend(?:s|ing)?|rated? us|feel about (?:us|the program)|think of (?:us|the program))\b")]
    private static partial Regex Figures();

    [GeneratedRegex(@"^(?:what happens|what if)\b")]
    private static partial Regex WhatHappens();

    /// <summary>What one may or must do, which the rules say.</summary>
    [GeneratedRegex(@"\b(?:can|could|may|should|must|allowed|supposed|possible)\b")]
    private static partial Regex Permission();

    private static string Normalise(string text) =>
        Regex.Replace(text.ToLowerInvariant().Replace('’', '\'').Replace("what's ", "what is ", StringComparison.Ordinal), @"\s+", " ").Trim();

    // Words in front that do not change what is asked ("if not, register it for us" is a request).
    [GeneratedRegex(@"^(?:(?:and|also|so|ok|okay|oh|well|but|like|hey|hi|hello|hiya|heya|yo|cool|thanks|thx|great|right|now|just|then|quick question|question)[,:;!.]?\s+|" + QuestionSplitter.ConditionLead + @"[,:;!.]\s+)+")]
    private static partial Regex Lead();

    // "what does the sticker in this photo say": a question about a file the user sent is a request to read it.
    [GeneratedRegex(@"\b(?:this|these|the attached|attached)\s+(?:\w+\s+)?(?:photo|picture|image|label|sticker|file|recording|audio|clip|document|doc|playbook|guide|nameplate|wav)s?\b")]
    private static partial Regex Attachment();

    [GeneratedRegex(@"\s+[-–—]\s+|[,;:]\s+")]
    private static partial Regex Clauses();

    // "what is ROPI?", "what even is mdf", "explain attribution models", "what is partner-sourced versus partner-influenced":
    // a term to explain (not "what is my role": the caller's own things are no term; nor "what's it based on": a pronoun is none).
    [GeneratedRegex(@"^(?:what(?: even| exactly| actually| really)?(?:'s| is| are) (?:even |exactly |actually |really |meant by )?(?!my |our |your |this |that |it |its |they |them |these |those |dr-|mdf-)(?:a |an |the )?(?!(?:overdue|pending|outstanding|open|expiring|due|late|left|waiting|stuck|blocked|missing|slipping|happening|going on|coming up|running|new|next|urgent)\??$)[a-z][\w-]*(?: [a-z][\w-]*){0,2}(?: (?:vs\.?|versus|or|and) (?:a |an |the )?[a-z][\w-]*(?: [a-z][\w-]*){0,2})?\??$|explain (?:to me )?(?:what |how |the |a |an )?(?!my |our |dr-|mdf-)[a-z])")]
    private static partial Regex Definition();

    // "tell me how…", "I was wondering whether…": what follows is the question.
    [GeneratedRegex(@"^(?:(?:can|could) you )?(?:please )?(?:tell me|remind me|explain|do you know|i'd like to know|i want to know|i'd like to understand|i wonder|i was wondering|any idea)\s+(?:(?:whether|if)\s+|(?=how|what|when|why|who|which))")]
    private static partial Regex AskingFor();

    [GeneratedRegex(@"^(?:how (?:long|far ahead|far in advance|early|soon|quickly|fast|often|many days|many weeks|much time|much notice|are .{1,40} (?:calculated|decided|chosen|worked out|measured|resolved|set|split|shared|credited|reviewed|approved|re-?evaluated)|is .{1,40} (?:calculated|decided|chosen|worked out|measured|resolved|set|split|shared|credited|reviewed|approved|re-?evaluated)|does .{1,60} work|do .{1,60} work|does (?:a|an|the) |do (?:i|we|you|partners|new partners) (?:ask|request|get|avoid|become|apply|extend|claim|register|earn|qualify|find|submit|know)|can (?:i|a|an|we) |should)"
        + @"|how (?:is|are) [\w -]{2,40}? (?:\w+ed|paid|split|set|won|lost|made|done|kept|held|chosen|given|spent|built|run|sent|shown|known)\b(?! (?:this|last|next) )|how (?!(?:is|are|do|does|did|can|much|many|long|far|close|likely)\b)[\w-]+(?: [\w-]+){0,4} (?:is|are|gets?) (?:\w+ed|paid|split|set|made|done|chosen|given|spent)\b|how many (?!more\b)(?:[\w-]+ ){1,3}(?:are|is|does|do|must|should|can|will)\b|what(?:'s| is| are) in (?:a|an|the) |what (?:is|are) the [\w -]{2,40} for\??$|what (?:do|does) (?:a|an|the) [\w -]{2,40} do\b"
        + @"|what (?:do|does|would) (?:i|we|you|a|an|the|partners?|new partners) (?:need|have to|must)|what (?:info|information|details|documents|data|evidence|proof|paperwork|fields) (?:do|does|should|must|is needed|are needed|is required|are required)\b|what (?:do|does) (?:you|northbeam|the team|the channel team) do with|how much of (?:a|an|the) |how much (?:gets?|is|are) (?:reimbursed|paid|refunded|covered|accrued)|how much [\w-]+ (?:does|do) (?:a|an|the|each) |what happens|what should (?:a|an|the|i|we|partners?) |what (?:would|does|do|will) [\w -]{1,30} (?:give|bring|offer|add)\b|what (?:benefits|perks|discounts?|rebates?) |how (?:the|a|an) [\w -]{2,40}|what (?:are|is) the (?:[\w-]+ ){0,2}(?:rules?|requirements?|steps?|criteria|benefits?|conditions|process|policy|deadline|difference|scale|minimum|maximum|limit|discount|rebate|share)|what counts|what kind of|what sort of|what extra|what share|what percentage|what discount|what (?:do|does) .{1,40} (?:get|mean|cover|say|give|require|entail|ask|involve|include|allow|cost|expect|offer|stand for|look like)\b|what is (?:a|an) |what's (?:a|an) |what does it take|which (?:certification|course|courses|exam|exams|partner types?)"
        + @"|when (?:does|do|is|are|will|should|must|can|would) |when's "
        + @"|(?:can|could|may|must|should) (?:i|a|an|the|partners?|northbeam|resellers?|integrators?) "
        + @"|(?:do|does) (?:i|we|you|partners?|registrations?|answering|marketplace) |(?:do|does) (?:a|an|the) [^?]*\?$|is there (?:a|an|any) |is there [\w-]+ (?:for|on|with|in)\b|are there |is (?:co-?sell|mdf|a registration|protection|the approval|approval) "
        + @"|who (?:decides|approves|can|should|signs|gets|has to|must|is responsible|reviews|pays)|who do (?:i|we|partners) (?:ask|contact|talk to|speak to|call|email|write to|reach|go to|escalate to)\b|who (?!(?:works|touches|sells|holds|owns|has|is|are|was|were)\b)[a-z]+s (?:it|them|the|a|an|this|that|these|those)\b|why |how do i |how do you |how does |how are (?:ties|conflicts)|what if (?:two|a|another|the customer|onboarding)|if (?:two|a|another|the customer|our revenue|we miss))")]
    private static partial Regex HowItWorks();

    // "what happens to X if …", "if two partners register the same customer who gets it", "can we still register X if Y got there first?".
    [GeneratedRegex(@"^(?:if|what happens (?:to|if|when|once)) .{3,}|^(?:can|could|may|should|do|does|is|are|will|would) [^?]{3,60}\b(?:if|when) (?:two|a|an|another|someone|somebody|the|they|he|she|it|[\w-]+ (?:already|has|have|had))\b")]
    private static partial Regex Conditional();

    [GeneratedRegex(@"^(?:is there|are there|how many|how much)\b")]
    private static partial Regex Quantity();

    // "more than once", "how many times", "in general": the rule, whatever thing the question names.
    [GeneratedRegex(@"\b(?:more than once|more than one time|how many times|how often|in general|generally|usually|normally|typically|as a rule)\b")]
    private static partial Regex InGeneral();

    // A request for writing, jokes or translation: no capability of the assistant's does that.
    [GeneratedRegex(@"^(?:(?:please|pls|plz|can you|could you|would you|will you|i want you to|i'd like you to)\s+)*(?:(?:write|compose|draft|make up|tell|sing|create|generate|give)\s+(?:me\s+|us\s+)?(?:a|an|some|another|one|two|three)?\s*(?:[\w-]+\s+){0,2}(?:poem|haiku|limerick|joke|story|song|rap|sonnet|riddle|verse|rhyme|pun|lyrics)s?\b|translate\b)")]
    private static partial Regex OutOfScope();

    [GeneratedRegex(@"\b(?:my|our|mine|ours)\s+(?:\w+\s+){0,2}(?:registrations?|regs?|deals?|protection|pipeline|balance|budget|funds?|mdf|requests?|claims?|tier|scorecard|standing|onboarding|checklist|gateways?|survey|certifications?|revenue|status|profile|role|opportunit(?:y|ies)|queue|agreement|attestations?|dpa|contract|courses?|training|certificates?)\b"

        + @"|\b(?:do|have|did) we (?:have|hold|own|got)\b(?! to\b)|\bwe(?:'ve| have) (?:got|registered|submitted|requested|filed)\b|\b(?:how (?:far|close) are we|are we (?:missing|short)|we(?:'re| are) (?:still )?(?:missing|short))\b"
        + @"|\b(?:left|remaining|unused|unspent) (?:for|to) (?:us|me)\b|\bwe(?:'ve| have)? still (?:have|got)\b")]
    private static partial Regex OwnData();

    [GeneratedRegex(@"^(?:(?:we|i)(?:'d| would) like (?:some|a|an|the|more)\b|(?:we|i) (?:need|want) (?:some|a|an|more|the)\b)|^(?:please |pls |plz |(?:can|could|would|will) you (?:please )?|(?:i|we) (?:want|need|would like|'d like) (?:you )?to |i'd like to |let me |lemme |gimme |give me )*"
        + @"(?:show|list|give|get|pull|open|register|submit|approve|reject|decline|deny|extend|claim|mark|record|log|add|upload|attach|run|start|kick|evaluate|re-?evaluate|confirm|hold|invite|onboard|retire|reindex|re-index|rebuild|check|score|rate|predict|estimate|take|fill|answer|read|scan|detect|request|display|bring|close|set|send|pay|file|put|remove|delete|publish|ingest|tell me|find|look up|split|compare|rerun|re-run|recompute|refresh|leave|keep|sign|tick|nuke|bin|accept|grant|refuse|postpone|unpublish|archive|drop|transcribe|extract|ocr)\b")]
    private static partial Regex Imperative();
}
