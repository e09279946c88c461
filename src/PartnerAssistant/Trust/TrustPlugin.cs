using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BotFramework;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge;
using PartnerAssistant.People;

namespace PartnerAssistant.Trust;

/// <summary>
/// Trusted data in the chat: "what data do you hold about me?" (a summary card of the export), "why did you say
/// that?" (the provenance of the last answer), and erasure: a channel manager erases someone after a "yes",
/// anyone else hears who can. Thin: the services check every right.
/// </summary>
public sealed partial class TrustPlugin(
    PersonalDataService personalData,
    PersonalDataEraser eraser,
    ProvenanceLog provenance,
    DirectoryService directory,
    KnowledgeRegistry knowledge,
    IOptions<KnowledgeOptions> knowledgeOptions)
{
    [KernelFunction("MyData"), Description("Shows what the assistant holds about the user (or, for a channel manager or partner administrator, about a person they name): a summary of their personal data and how long each kind is kept.")]
    public async Task<AssistantReply> MyDataAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        if (InAGroup(kernel))
        {
            return AssistantReply.Say(GroupRefusal);
        }

        var requester = PrivacyRequester.Of(caller);
        var named = await NamedPersonAsync(caller, utterance, cancellationToken);
        if (named is { Count: > 1 })
        {
            return AssistantReply.Say($"Whose data: {string.Join(" or ", named.Select(p => p.DisplayName))}? Say the full name.");
        }

        if (named is null && SomeoneElse(caller, utterance) is { } other)
        {
            return AssistantReply.Say(CannotFind(caller, other));
        }

        var person = named?.SingleOrDefault() ?? caller.Person;
        try
        {
            var document = await personalData.ExportAsync(requester, person.Id, includeFileContents: false, cancellationToken);
            var whose = person.Id == caller.Person.Id ? "you" : person.DisplayName;
            return AssistantReply.Say(
                    $"Here is what I hold about {whose}. The complete copy, as one JSON document with the files, comes from the admin API " +
                    $"(`GET /api/admin/directory/people/{person.Id}/data`, signed in as yourself) or from a Northbeam channel manager (`directory export-person {person.Id}`).")
                .WithCard(document.ToCard())
                .WithSuggestions("why did you say that?");
        }
        catch (PrivacyException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    [KernelFunction("Why"), Description("Explains what the assistant's last answer rested on: the document versions a knowledge answer cited, or the model version and training data behind a deal score.")]
    public async Task<AssistantReply> WhyAsync(Kernel kernel, CancellationToken cancellationToken = default)
    {
        var turn = kernel.GetTurn();
        var entries = await provenance.LatestAsync(turn.State, cancellationToken);
        if (entries.Count == 0)
        {
            return AssistantReply.Say("I haven't given an answer in this conversation that I can trace yet. Ask me a program question or for a deal's odds, then ask \"why did you say that?\".");
        }

        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append(entry.Kind switch
            {
                ProvenanceKinds.KnowledgeAnswer => await ExplainAnswerAsync(entry, cancellationToken),
                ProvenanceKinds.DealScore => ExplainScore(entry),
                _ => $"An answer of kind {entry.Kind}, recorded {Time(entry.At)}.",
            });
            text.Append("\n\n");
        }

        text.Append("Each answer's sources are kept in the assistant's provenance log, so the channel team can check them later.");
        return AssistantReply.Say(text.ToString().Trim());
    }

    [KernelFunction("Erase"), Description("Erases everything the assistant holds about a named person (channel managers only, after confirming); tells anyone else who can.")]
    public async Task<AssistantReply> EraseAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("The person id to erase, after confirmation")] string personId = "",
        [Description("\"true\" once the channel manager confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        var requester = PrivacyRequester.Of(caller);
        if (!PersonalDataRights.MayErase(requester))
        {
            return AssistantReply.Say("Only a Northbeam channel manager can erase someone's data, because it cannot be undone and it changes Northbeam's records. " +
                "Ask your channel manager: they can first show you what is held (or ask me \"what data do you hold about me?\").");
        }

        try
        {
            if (confirmed == "true" && personId.Length > 0)
            {
                var record = await eraser.EraseAsync(requester, personId, cancellationToken);
                return AssistantReply.Say($"Done: erasure #{record.Number}. {record.Describe()} " +
                    $"{Removed(record.Summary)} The erasure register keeps who asked and when, not who it was.");
            }

            var named = await NamedPersonAsync(caller, utterance, cancellationToken);
            if (named is not { Count: 1 })
            {
                return AssistantReply.Say(named is { Count: > 1 }
                    ? $"Whom should I erase: {string.Join(" or ", named.Select(p => p.DisplayName))}? Say the full name."
                    : SomeoneElse(caller, utterance) is { } other ? CannotFind(caller, other)
                    : "Whose data should I erase? Name the person as the directory has them, e.g. \"erase Lukas Meyer's data\".");
            }

            if (InAGroup(kernel))
            {
                return AssistantReply.Say(GroupRefusal);
            }

            var person = named[0];
            var document = await personalData.ExportAsync(requester, person.Id, includeFileContents: false, cancellationToken);
            var held = document.Sections.Sum(s => s.Rows.Count);
            var summary = $"erase everything held about {person.DisplayName} ({person.Id})";
            return new AssistantReply(
                $"I hold {held} records about **{person.DisplayName}** ({document.Organisation.Name}) in {document.Sections.Count} places (the card shows them). " +
                "Erasing deletes their own records (conversations, questions, feedback, uploads, directory entry) and puts \"former partner user #n\" in the business records that stay. It cannot be undone.")
            {
                Cards = [document.ToCard()],
                Confirmation = new PendingConfirmation("Trust.Erase", new() { ["personId"] = person.Id }, summary, default),
            };
        }
        catch (PrivacyException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    // Everyone in a group chat or channel would read the card: a person's data is shown only one to one.
    private const string GroupRefusal = "I show personal data only in a one-to-one chat, since everyone here would see it. Message me directly and ask again.";

    private static bool InAGroup(Kernel kernel) => TeamsChannelData.ConversationType(kernel.GetTurn().Activity) is not "personal";

    /// <summary>People of the directory the utterance names (display name or id), among those the caller may ask about; null when it names nobody.</summary>
    private async Task<IReadOnlyList<Person>?> NamedPersonAsync(Caller caller, string utterance, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(utterance) || caller.Role is not (Role.ChannelManager or Role.PartnerAdmin))
        {
            return null;
        }

        var scope = caller.Role == Role.PartnerAdmin ? caller.OrganisationId : null;
        var people = await directory.ListPeopleAsync(scope, null, cancellationToken);
        var named = people.Where(p => Mentions(utterance, p.DisplayName) || Mentions(utterance, p.Id)).ToList();
        return named.Count == 0 ? null : named;
    }

    private static bool Mentions(string utterance, string name) =>
        name.Length >= 3 && Regex.IsMatch(utterance, $@"(?<![\p{{L}}\p{{N}}-]){Regex.Escape(name)}(?![\p{{L}}\p{{N}}-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>A name the utterance asks about that is not the caller's ("… about Lukas Meyer"), found by its form
    /// (capitalised words), so the answer is the same whether such a person exists elsewhere or not.</summary>
    private static string? SomeoneElse(Caller caller, string utterance)
    {
        foreach (Match match in PersonName().Matches(utterance))
        {
            var name = match.Groups["name"].Value;
            if (!name.Split(' ').All(NotNames.Contains) && !string.Equals(name, caller.Person.DisplayName, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }

    private static string CannotFind(Caller caller, string name) => caller.Role switch
    {
        Role.ChannelManager => $"I can't find {name} in the directory. Name them as the directory has them, or use their person id.",
        Role.PartnerAdmin => $"I can't find {name} among {Possessive(caller.Organisation.Name)} people. Partner administrators can ask about their own organisation's people only.",
        _ => "You can ask for your own data only. A Northbeam channel manager can help with anyone else's.",
    };

    private static string Possessive(string name) => name.EndsWith('s') ? name + "'" : name + "'s";

    // Capitalised words that begin requests or name the product, never a person.
    private static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "Partner", "Assistant", "Northbeam", "Network", "Web", "Chat", "Teams", "Data", "GDPR", "CCPA", "What", "Which", "Show", "Give", "Export", "Erase", "Delete", "Remove", "Please", "I", "My",
    };

    [GeneratedRegex(@"\b(?:about|on|for|of|from|erase|delete|remove|export)\s+(?<name>\p{Lu}[\p{L}\-]+(?:\s+\p{Lu}[\p{L}\-]+)+?)(?:'s\b|\b)", RegexOptions.CultureInvariant)]
    private static partial Regex PersonName();

    private async Task<string> ExplainAnswerAsync(ProvenanceEntry entry, CancellationToken cancellationToken)
    {
        var citations = entry.Details["citations"] as JsonArray ?? [];
        if (citations.Count == 0)
        {
            return $"My answer at {Time(entry.At)} cited no document: I said I didn't know, rather than guess.";
        }

        var text = new StringBuilder($"My answer at {Time(entry.At)} came from these document versions:\n");
        foreach (var citation in citations.OfType<JsonObject>())
        {
            var source = citation["source"]!.GetValue<string>();
            var hash = citation["contentHash"]?.GetValue<string>() ?? "";
            var current = await knowledge.FindDocumentAsync(knowledgeOptions.Value.DefaultCollection, source, cancellationToken);
            var state = current switch
            {
                null => "no longer in the knowledge base",
                { Retired: true } => "retired since",
                _ when hash.Length > 0 && !string.Equals(current.ContentHash, hash, StringComparison.OrdinalIgnoreCase) => "since updated to version " + Short(current.ContentHash),
                { LastReviewed: { } reviewed } => $"still current, last reviewed {reviewed:yyyy-MM-dd}",
                _ => "still current",
            };
            var section = citation["section"]?.GetValue<string>() is { Length: > 0 } s ? $" › {s}" : "";
            text.Append(CultureInfo.InvariantCulture, $"- [{citation["number"]}] {citation["title"]}{section} (`{source}`, version {Short(hash)}): {state}\n");
        }

        return text.ToString().TrimEnd();
    }

    private static string ExplainScore(ProvenanceEntry entry)
    {
        var d = entry.Details;
        var probability = d["probability"]?.GetValue<double>() is { } p ? $"{p * 100:0}%" : "a probability";
        var deal = entry.Reference ?? "the deal you described";
        var data = d["trainingDataSha256"]?.GetValue<string>() is { Length: > 0 } sha ? $"data with SHA-256 {Short(sha)}" : "data whose hash was not recorded (a model trained before hashes were kept)";
        return string.Create(CultureInfo.InvariantCulture,
            $"The odds of {probability} for {deal} at {Time(entry.At)} came from model **{d["model"]}** version **{d["modelVersion"]}**, trained on {d["trainingRows"]} rows of " +
            $"{d["trainingSource"]} ({data}); its model card (`deals model`) has the evaluation and the bias check by segment.");
    }

    private static string Removed(JsonObject? summary)
    {
        if (summary is null)
        {
            return "";
        }

        int Sum(string part) => (summary[part] as JsonObject)?.Sum(kv => kv.Value?.GetValue<int>() ?? 0) ?? 0;
        return $"{Sum("deleted")} rows deleted, {Sum("pseudonymised")} values pseudonymised, {Sum("mentionsReplaced")} mentions replaced in free text.";
    }

    private static string Short(string? hash) => string.IsNullOrEmpty(hash) ? "(unknown)" : hash[..Math.Min(12, hash.Length)];

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
