namespace EdgeGateway.Training;

/// <summary>
/// Seeded synthetic telemetry of distribution transformers and feeder sections, one reading per
/// asset-hour, labelled with whether the asset faults within the next 24 hours.
/// <para>
/// Each asset has an age (1–45 years). In a reading it may be in a developing-fault state
/// (insulation breakdown, a loose connection heating up) with probability 2 % + 0.15 % per year of
/// age, of a severity between 0.3 and 1. That state raises oil temperature, current harmonic
/// distortion (THD), partial-discharge counts and voltage sags, and lowers voltage; a fault follows
/// within 24 h with probability 15 % + 60 % × severity. Without it, faults still happen at
/// 0.4 % + 0.03 % per year of age + 3 % per 0.1 pu of load above 1.0 pu (overload). Load follows
/// a daily cycle and hot weather; oil temperature follows ambient temperature and load squared.
/// In wet weather (a quarter of readings) harmless surface discharges add about 12 partial-discharge
/// events an hour, so no single reading tells a developing fault apart on its own.
/// </para>
/// The generator's own fault probability is kept with each reading, so evaluation can report how
/// well any model could do on this data (the Bayes ceiling) beside how well the trained model does.
/// </summary>
public sealed class SyntheticGrid(int seed)
{
    public static readonly string[] FeatureNames = ["loadPu", "voltagePu", "thdPct", "oilTempC", "ambientTempC", "partialDischargePerHour", "voltageSags24h", "assetAgeYears"];

    private readonly Random _random = new(seed);

    public sealed record Reading(float[] Features, bool Faults, double Probability);

    /// <summary><paramref name="assets"/> new assets with <paramref name="perAsset"/> hourly readings each.</summary>
    public List<Reading> Readings(int assets, int perAsset)
    {
        var readings = new List<Reading>(assets * perAsset);
        for (var a = 0; a < assets; a++)
        {
            var age = Uniform(1, 45);
            var season = Uniform(0, 2 * MathF.PI);
            for (var r = 0; r < perAsset; r++)
            {
                readings.Add(Next(age, season));
            }
        }

        return readings;
    }

    /// <summary>One reading of an asset of <paramref name="age"/> years; <paramref name="severity"/> forces a developing fault (0 = none, null = by chance).</summary>
    public Reading Next(float age, float season, float? severity = null)
    {
        var developing = severity ?? (_random.NextDouble() < 0.02 + 0.0015 * age ? Uniform(0.3f, 1f) : 0f);
        var hour = Uniform(0, 24);
        var ambient = 15 + 10 * MathF.Sin(season) + 5 * MathF.Sin(2 * MathF.PI * (hour - 15) / 24) + Normal(0, 3);
        var load = Math.Clamp(0.55f + 0.25f * MathF.Sin(2 * MathF.PI * (hour - 18) / 24) + Normal(0, 0.12f) + (ambient > 28 ? 0.15f : 0), 0.05f, 1.6f);
        var oil = ambient + 35 * load * load + 12 * developing + 0.1f * age + Normal(0, 3);
        var thd = 2 + 2.5f * load + (developing > 0 ? 3 * developing + Normal(0, 1) : 0) + MathF.Abs(Normal(0, 0.8f));
        var wet = _random.NextDouble() < 0.25;
        var discharge = Poisson(1 + 0.15 * age + (wet ? 12 : 0) + 25 * developing);
        var voltage = 1.02f - 0.05f * load - 0.02f * developing + Normal(0, 0.01f);
        var sags = Poisson(0.2 + 0.002 * age + 2 * developing);
        var probability = developing > 0
            ? 0.15 + 0.6 * developing
            : 0.004 + 0.0003 * age + 0.3 * Math.Max(0, load - 1.0);
        var faults = _random.NextDouble() < probability;
        return new Reading([load, voltage, thd, oil, ambient, discharge, sags, age], faults, probability);
    }

    private float Normal(float mean, float deviation) => mean + deviation * DenseNetwork.Gaussian(_random);

    private float Uniform(float from, float to) => from + (float)_random.NextDouble() * (to - from);

    // Knuth's method: fine for the small means here.
    private float Poisson(double mean)
    {
        var limit = Math.Exp(-mean);
        var product = _random.NextDouble();
        var count = 0;
        while (product > limit)
        {
            count++;
            product *= _random.NextDouble();
        }

        return count;
    }
}
