using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Deals;

public static class DealsServiceCollectionExtensions
{
    /// <summary>Deal registration: the registry and its database, attribution, the lifecycle service, the demo deal
    /// book and the <c>Deals</c> plugin. Options from the <c>Deals</c> section (<see cref="DealOptions"/>).</summary>
    public static IServiceCollection AddDeals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DealOptions>().Bind(configuration.GetSection(DealOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.IsKnownCurrency(o.ReportingCurrency) && o.IsKnownCurrency(o.DefaultCurrency),
                "Deals:ReportingCurrency and Deals:DefaultCurrency must be listed in Deals:ExchangeRates.")
            .Validate(o => o.ExchangeRates.Values.All(rate => rate > 0), "Every rate in Deals:ExchangeRates must be above zero.")
            .ValidateOnStart();
        services.AddAssistantDbContext<DealsDbContext, SqliteDealsDbContext, PostgresDealsDbContext>(DealsDbContext.HistoryTable);
        services.AddSingleton<DealDirectory>();
        services.AddSingleton<DealNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<DealNotifier>());
        services.AddSingleton<DealRegistry>();
        services.AddSingleton<AttributionService>();
        services.AddSingleton<IAssistantPreparation, DealsPreparation>();
        services.AddHostedService<DealLifecycleService>();
        services.AddAssistantPlugin<DealsPlugin>("Deals");
        services.AddSingleton<Conversation.Routing.IMentionResolver, RegistrationMentions>();
        services.AddSingleton<Conversation.Routing.IMentionResolver, CustomerMentions>();
        services.AddSingleton<Conversation.Routing.IVocabularySource, DealVocabulary>();
        services.AddSingleton<IMessageExtensionSearch, DealSearch>();
        services.AddSingleton<IDialogProvider, DealRegistrationDialog>();
        services.AddSingleton<RegistryDealFacts>();
        services.AddSingleton<IDealFactsSource>(sp => sp.GetRequiredService<RegistryDealFacts>());
        services.AddSingleton<IClosedDealsSource>(sp => sp.GetRequiredService<RegistryDealFacts>());
        return services;
    }
}
