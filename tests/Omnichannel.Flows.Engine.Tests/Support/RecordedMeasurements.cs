using System.Diagnostics.Metrics;

namespace Omnichannel.Flows.Engine.Tests.Support;

/// <summary>Every measurement of one meter's instruments while it lives, with its tags.</summary>
internal sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements = [];

    public RecordedMeasurements(string meterName)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    /// <summary>The values <paramref name="instrument"/> recorded with at least the tags <paramref name="having"/>.</summary>
    public IReadOnlyList<double> Values(string instrument, params (string Key, string Value)[] having)
    {
        lock (measurements)
        {
            return [.. measurements
                .Where(m => m.Instrument == instrument && having.All(tag => Equals(m.Tags.GetValueOrDefault(tag.Key), tag.Value)))
                .Select(m => m.Value)];
        }
    }

    /// <summary>The tag <paramref name="key"/> of each of <paramref name="instrument"/>'s measurements with the tags <paramref name="having"/>.</summary>
    public IReadOnlyList<string?> Tag(string instrument, string key, params (string Key, string Value)[] having)
    {
        lock (measurements)
        {
            return [.. measurements
                .Where(m => m.Instrument == instrument && having.All(tag => Equals(m.Tags.GetValueOrDefault(tag.Key), tag.Value)))
                .Select(m => m.Tags.GetValueOrDefault(key) as string)];
        }
    }

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (measurements)
        {
            measurements.Add((instrument.Name, value, copy));
        }
    }
}
