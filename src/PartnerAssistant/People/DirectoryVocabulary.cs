using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.People;

/// <summary>Partner organisation names in the directory, for the router (the vendor itself is not a partner).</summary>
internal sealed class DirectoryVocabulary(DirectoryService directory) : IVocabularySource
{
    public async Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken)
    {
        foreach (var organisation in await directory.ListOrganisationsAsync(cancellationToken))
        {
            if (!organisation.IsVendor)
            {
                vocabulary.AddPartner(organisation.Name);
            }
        }
    }
}
