using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BotFramework.Schema;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Knowledge.Documents;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Knowledge;

/// <summary>
/// Enablement questions answered from the corpus with citations, feedback on answers, and the
/// editors' tools. Thin: it reads what the user sent and calls the services, which check rights.
/// </summary>
public sealed partial class KnowledgePlugin(KnowledgeAnswerService answers, KnowledgeEditor editor, TimeProvider time, ProvenanceLog provenance)
{
    [KernelFunction("Ask"), Description("Answers a question about the Northbeam Partner Network (tiers, deal registration, MDF, onboarding, certifications, policies) from the enablement documents, citing its sources.")]
    public async Task<AssistantReply> AskAsync(Kernel kernel,
        [Description("The user's question in their own words")] string utterance = "",
        [Description("Card data, when a related question was clicked")] string value = "",
        CancellationToken cancellationToken = default)
    {
        var question = Field(value, "question") ?? utterance;
        if (string.IsNullOrWhiteSpace(question))
        {
            return AssistantReply.Say("What would you like to know about the Northbeam Partner Network?");
        }

        // The editors' log keeps what the person asked; a language model's search words are not theirs.
        // The router already embedded this text (when it routed here): search with that vector rather than embed it twice.
        var turn = kernel.GetTurn();
        var asked = turn.Utterance;
        var answer = await answers.AskAsync(turn.Caller, question.Trim(), turn.EmbeddingOf(question), cancellationToken, string.IsNullOrWhiteSpace(asked) ? null : asked.Trim());
        await provenance.RecordAsync(turn, ProvenanceKinds.KnowledgeAnswer, answer.QuestionId, Provenance(answer), cancellationToken);
        return answer.Answered
            ? AssistantReply.Say("Here is what the enablement documents say:").WithCard(AnswerCard.Build(answer))
            : AssistantReply.Say(answer.Text);
    }

    /// <summary>What the answer rested on: each cited passage's document, section and document version.</summary>
    private static JsonObject Provenance(KnowledgeAnswer answer) => new()
    {
        ["questionId"] = answer.QuestionId,
        ["answered"] = answer.Answered,
        ["bestSimilarity"] = Math.Round(answer.BestSimilarity, 4),
        ["citations"] = new JsonArray([.. answer.Citations.Select(c => (JsonNode)new JsonObject
        {
            ["number"] = c.Number,
            ["source"] = c.Source,
            ["title"] = c.Title,
            ["section"] = c.Section,
            ["url"] = c.Url,
            ["contentHash"] = c.ContentHash,
        })]),
    };

    [KernelFunction("Feedback"), Description("Records a thumbs up or thumbs down (with an optional reason) on an answer."), PersonOnly]
    public async Task<AssistantReply> FeedbackAsync(Kernel kernel,
        [Description("Card data: questionId, helpful, reason")] string value = "",
        CancellationToken cancellationToken = default)
    {
        var questionId = Field(value, "questionId");
        var helpful = Field(value, "helpful") is { } flag && bool.TryParse(flag, out var parsed) ? parsed : (bool?)null;
        if (questionId is null || helpful is null)
        {
            return AssistantReply.Say("I couldn't tell which answer that feedback was for.");
        }

        var stored = await answers.RecordFeedbackAsync(kernel.GetCaller(), questionId, helpful.Value, Field(value, "reason"), cancellationToken);
        if (!stored)
        {
            return AssistantReply.Say("I couldn't find that answer any more, so the feedback wasn't saved.");
        }

        return AssistantReply.Say(helpful.Value
            ? "Thanks, glad it helped."
            : "Thanks for telling me. The enablement team reviews answers marked not helpful and will improve the documents.");
    }

    [KernelFunction("AddDocument"), Description("Adds or replaces an enablement document from a file attached to the message (Markdown, text, HTML or Word). Enablement editors only.")]
    public async Task<AssistantReply> AddDocumentAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the editor confirmed")] string confirmed = "",
        [Description("The staged upload to index, after confirmation")] string uploadId = "",
        CancellationToken cancellationToken = default)
    {
        var turn = kernel.GetTurn();
        try
        {
            KnowledgeEditor.Authorize(turn.Caller);
            if (confirmed == "true" && uploadId.Length > 0)
            {
                var added = await editor.ConfirmUploadAsync(turn.Caller, uploadId, cancellationToken);
                return added is { } result
                    ? AssistantReply.Say($"Done: **{result.Document.Title}** (`{result.Document.Source}`, {result.Document.Audience.Slug()}) is in the knowledge base. {result.Report}.")
                    : AssistantReply.Say("That upload has expired. Please attach the file again.");
            }

            var file = turn.Attachments.FirstOrDefault(IsFile);
            if (file is null)
            {
                return AssistantReply.Say("Attach the document to your message (Markdown, plain text, HTML or Word .docx) and say \"add this document\". " +
                    "Add \"for partners\" or \"for everyone\" to publish it to partners; otherwise it is for internal readers only.");
            }

            var (name, content) = await editor.DownloadAsync(file, cancellationToken);
            var preview = await editor.PrepareUploadAsync(turn.Caller, name, content, AudienceIn(utterance), cancellationToken);
            var document = preview.Document;
            var summary = $"{(preview.Replaces ? "replace" : "add")} \"{document.Title}\" ({document.Audience.Slug()} audience, {preview.Passages} passages)";
            return new AssistantReply(
                $"I read **{name}**: \"{document.Title}\", audience **{document.Audience.Slug()}**, {preview.Passages} passages" +
                (preview.Replaces ? $", replacing the current `{document.Source}`." : $", to be stored as `{document.Source}`.") +
                (document.Audience == KnowledgeAudience.Internal ? " Partners will not see it." : " Partners will be able to see it."))
            {
                Confirmation = new PendingConfirmation("Knowledge.AddDocument", new() { ["uploadId"] = preview.UploadId }, summary, default)
                {
                    Facts =
                    [
                        new("Document", $"{document.Title} ({name})"), new("Stored as", document.Source + (preview.Replaces ? " (replaces the current one)" : "")),
                        new("Audience", document.Audience == KnowledgeAudience.Internal ? "internal only" : $"{document.Audience.Slug()} (partners will see it)"),
                        new("Passages", preview.Passages.ToString(CultureInfo.InvariantCulture)),
                    ],
                },
            };
        }
        catch (KnowledgeAccessException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
        catch (DocumentFormatException ex)
        {
            return AssistantReply.Say($"I couldn't read that document: {ex.Message}");
        }
    }

    [KernelFunction("ListSources"), Description("Lists the enablement documents with their audience and last review date. Enablement editors only.")]
    public async Task<AssistantReply> ListSourcesAsync(Kernel kernel, CancellationToken cancellationToken = default)
    {
        try
        {
            var documents = await editor.ListSourcesAsync(kernel.GetCaller(), includeRetired: true, cancellationToken);
            if (documents.Count == 0)
            {
                return AssistantReply.Say("The knowledge base has no documents yet.");
            }

            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var text = new StringBuilder($"**{documents.Count(d => !d.Retired)} documents** in `{editor.DefaultCollection}`:\n\n");
            foreach (var document in documents)
            {
                var reviewed = document.LastReviewed is { } date ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "never";
                var stale = document.LastReviewed is null || document.LastReviewed.Value.AddMonths(12) < today ? " ⚠️ due for review" : "";
                text.Append($"- {document.Title} — `{document.Source}`, {document.Audience.Slug()}, reviewed {reviewed}{stale}{(document.Retired ? " (retired)" : "")}\n");
            }

            return AssistantReply.Say(text.ToString());
        }
        catch (KnowledgeAccessException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    [KernelFunction("RetireDocument"), Description("Retires an enablement document so it is no longer used for answers. Enablement editors only.")]
    public async Task<AssistantReply> RetireDocumentAsync(Kernel kernel,
        [Description("The user's request, naming the document")] string utterance = "",
        [Description("\"true\" once the editor confirmed")] string confirmed = "",
        [Description("The document's source path")] string source = "",
        CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        try
        {
            if (confirmed == "true" && source.Length > 0)
            {
                var retired = await editor.RetireAsync(caller, source, cancellationToken);
                return retired is { } result
                    ? AssistantReply.Say($"Retired **{result.Document.Title}** (`{result.Document.Source}`); it is no longer used for answers. {result.Report}.")
                    : AssistantReply.Say($"I couldn't find `{source}` any more.");
            }

            var document = await editor.ResolveAsync(caller, utterance, cancellationToken);
            if (document is null)
            {
                return AssistantReply.Say("Which document? Name its path (e.g. `program/mdf.md`) or title; \"list sources\" shows them all.");
            }

            return new AssistantReply($"**{document.Title}** (`{document.Source}`) will stop being used for answers.")
            {
                Confirmation = new PendingConfirmation("Knowledge.RetireDocument", new() { ["source"] = document.Source }, $"retire \"{document.Title}\"", default)
                {
                    Facts = [new("Document", $"{document.Title} ({document.Source})"), new("Change", "retired: no longer used for answers")],
                },
            };
        }
        catch (KnowledgeAccessException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    [KernelFunction("Reindex"), Description("Rebuilds the knowledge index: re-reads and re-embeds every document. Enablement editors only.")]
    public async Task<AssistantReply> ReindexAsync(Kernel kernel,
        [Description("\"true\" once the editor confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        try
        {
            KnowledgeEditor.Authorize(caller);
            if (confirmed != "true")
            {
                return new AssistantReply("Re-indexing re-embeds every document; answers keep working from the current index until it finishes.")
                {
                    Confirmation = new PendingConfirmation("Knowledge.Reindex", [], "re-index the knowledge base", default)
                    {
                        Facts = [new("Change", "every document re-read and re-embedded; the current index answers until the new one is ready")],
                    },
                };
            }

            var report = await editor.ReindexAsync(caller, cancellationToken);
            return AssistantReply.Say($"Re-indexed: {report}.");
        }
        catch (KnowledgeAccessException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    [KernelFunction("UnansweredQuestions"), Description("Shows what partners asked that the assistant could not answer, or whose answers got a thumbs down, over the last N days, grouped by topic. Enablement editors only.")]
    public async Task<AssistantReply> UnansweredQuestionsAsync(Kernel kernel,
        [Description("The user's request, e.g. 'unanswered questions in the last 14 days'")] string utterance = "",
        [Description("How many days back; default 30")] int days = 0,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var period = days > 0 ? days : DaysIn(utterance) ?? 30;
            var report = await editor.UnansweredAsync(kernel.GetCaller(), period, cancellationToken);
            return AssistantReply.Say(Render(report));
        }
        catch (KnowledgeAccessException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    public static string Render(UnansweredReport report)
    {
        if (report.Total == 0)
        {
            return $"Nothing went unanswered in the last {report.Days} days, and no answer got a thumbs down.";
        }

        var text = new StringBuilder($"**{report.Total} questions** in the last {report.Days} days were not answered or got a thumbs down, in {report.Topics.Count} topics:\n\n");
        foreach (var topic in report.Topics)
        {
            text.Append($"**{topic.Label}** ({topic.Questions.Count})\n");
            foreach (var question in topic.Questions.Take(5))
            {
                var why = question.Abstained ? "not answered" : question.Reason is { Length: > 0 } reason ? $"👎 \"{reason}\"" : "👎";
                text.Append($"- \"{question.Question}\" — {why}, {question.AskedAt:yyyy-MM-dd}\n");
            }

            if (topic.Questions.Count > 5)
            {
                text.Append($"- … and {topic.Questions.Count - 5} more\n");
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>A file the user attached (not a card, and not the HTML copy of the message Teams adds).</summary>
    private static bool IsFile(Attachment attachment) =>
        attachment.ContentType is { } type
        && !type.StartsWith("application/vnd.microsoft.card.", StringComparison.Ordinal)
        && (type == KnowledgeEditor.TeamsFileDownloadInfo || attachment.Name is { Length: > 0 } || (attachment.ContentUrl is { Length: > 0 } && type != "text/html"));

    /// <summary>The audience an editor named in their request, if any.</summary>
    internal static KnowledgeAudience? AudienceIn(string utterance)
    {
        var text = utterance.ToLowerInvariant();
        if (PartnerWords().IsMatch(text))
        {
            return KnowledgeAudience.Partner;
        }

        if (EveryoneWords().IsMatch(text))
        {
            return KnowledgeAudience.All;
        }

        return InternalWords().IsMatch(text) ? KnowledgeAudience.Internal : null;
    }

    /// <summary>A period in days named in a request: "last 14 days", "past 2 weeks", "this month".</summary>
    internal static int? DaysIn(string utterance)
    {
        var match = PeriodPattern().Match(utterance.ToLowerInvariant());
        if (match.Success)
        {
            var count = match.Groups[1].Success && int.TryParse(match.Groups[1].Value, out var n) ? n : 1;
            return match.Groups[2].Value switch
            {
                var unit when unit.StartsWith("week", StringComparison.Ordinal) => count * 7,
                var unit when unit.StartsWith("month", StringComparison.Ordinal) => count * 30,
                var unit when unit.StartsWith("quarter", StringComparison.Ordinal) => count * 91,
                var unit when unit.StartsWith("year", StringComparison.Ordinal) => count * 365,
                _ => count,
            };
        }

        return utterance.Contains("yesterday", StringComparison.OrdinalIgnoreCase) || utterance.Contains("today", StringComparison.OrdinalIgnoreCase) ? 1 : null;
    }

    private static string? Field(string json, string name)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json)?[name] switch
            {
                null => null,
                JsonValue value when value.TryGetValue<string>(out var text) => string.IsNullOrWhiteSpace(text) ? null : text,
                var node => node.ToJsonString(),
            };
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\b(for|to|with) (the )?partners?\b|\bpartner[- ]facing\b|\baudience:? partners?\b|\bpartners can see\b")]
    private static partial Regex PartnerWords();

    [GeneratedRegex(@"\bfor (everyone|everybody|all)\b|\bpublic\b|\baudience:? all\b")]
    private static partial Regex EveryoneWords();

    [GeneratedRegex(@"\binternal\b|\bstaff only\b|\binternal only\b")]
    private static partial Regex InternalWords();

    [GeneratedRegex(@"(?:(?:last|past|previous|this)\s+)?(?:(\d{1,3})\s+)?\b(days?|weeks?|months?|quarters?|years?)\b")]
    private static partial Regex PeriodPattern();
}
