using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PartnerAssistant.Conversation;

namespace PartnerAssistant.Prediction;

public static class PredictionServiceCollectionExtensions
{
    /// <summary>Deal success prediction: the model store (hot reload), the scorer, training and the
    /// first-run model, and the <c>Prediction</c> plugin. Scoring registrations needs an
    /// <see cref="IDealFactsSource"/> and retraining from the registry an <see cref="IClosedDealsSource"/>,
    /// both registered by the deal registry.</summary>
    public static IServiceCollection AddPrediction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PredictionOptions>().Bind(configuration.GetSection(PredictionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DealModelStore>();
        services.AddSingleton<DealScorer>();
        services.AddSingleton<TabularTrainer>();
        services.AddSingleton<DealModelTraining>();
        services.AddSingleton<DealAdvisor>();
        services.AddSingleton<IAssistantPreparation, DealModelPreparation>();
        services.AddAssistantPlugin<PredictionPlugin>("Prediction");
        return services;
    }
}
