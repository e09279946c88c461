using PartnerAssistant.Trust;

namespace PartnerAssistant.Knowledge;

/// <summary>
/// The question log and the feedback are the person's own words: exported, and deleted on erasure (feedback
/// others gave on their questions goes with the questions). Uploads an editor never confirmed are theirs too.
/// Documents they edited stay, signed with the pseudonym.
/// </summary>
internal sealed class KnowledgePersonalData : PersonTablesSource, IRetentionPolicy
{
    public override string Name => "knowledge";

    protected override IReadOnlyList<PersonTable> Tables { get; } =
    [
        new("knowledge_feedback", "Your feedback on answers", ["person_id"], TableErasure.DeleteRows),
        new("knowledge_questions", "Questions you asked the knowledge base", ["person_id"], TableErasure.DeleteRows),
        new("knowledge_uploads", "Documents you uploaded that were not added", ["created_by"], TableErasure.DeleteRows) { Label = "source" },
        new("knowledge_documents", "Enablement documents you last changed or retired", ["updated_by", "retired_by"])
        {
            Label = "source",
            Omit = ["markdown"],
        },
    ];

    public override async Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        await erasure.DeleteAsync("knowledge_feedback", "question_id IN (SELECT id FROM knowledge_questions WHERE person_id = @p0)", cancellationToken, erasure.Subject.PersonId);
        await base.EraseAsync(erasure, cancellationToken);
    }

    public async Task ApplyAsync(RetentionPass pass, CancellationToken cancellationToken)
    {
        var askedBefore = pass.CutoffMs(RetentionKind.QuestionsLog);
        await pass.DeleteAsync(RetentionKind.QuestionsLog, "knowledge_feedback", "question_id IN (SELECT id FROM knowledge_questions WHERE asked_at_ms < @p0)", cancellationToken, askedBefore);
        await pass.DeleteOlderAsync(RetentionKind.QuestionsLog, "knowledge_questions", "asked_at_ms", cancellationToken);
        await pass.DeleteOlderAsync(RetentionKind.Feedback, "knowledge_feedback", "created_at_ms", cancellationToken);
        await pass.DeleteOlderAsync(RetentionKind.Uploads, "knowledge_uploads", "created_at_ms", cancellationToken);
    }
}
