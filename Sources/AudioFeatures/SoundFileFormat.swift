import CSndfile

/// Names of libsndfile's container formats and sample encodings, spelled as python-soundfile does
/// (`WAV`, `FLAC`, `PCM_16`, `VORBIS` …), so probe output reads the same as `soundfile.info`.
public enum SoundFileFormat {
    /// The container name of an `SF_INFO.format` value, e.g. `WAV`, `AIFF`, `OGG`.
    public static func majorName(_ format: Int32) -> String {
        let major = Int(format) & Int(SF_FORMAT_TYPEMASK)
        return majorNames[major] ?? libraryName(major, count: SFC_GET_FORMAT_MAJOR_COUNT, get: SFC_GET_FORMAT_MAJOR)
    }

    /// The encoding name of an `SF_INFO.format` value, e.g. `PCM_16`, `FLOAT`, `ULAW`, `OPUS`.
    public static func subtypeName(_ format: Int32) -> String {
        let sub = Int(format) & Int(SF_FORMAT_SUBMASK)
        return subtypeNames[sub] ?? libraryName(sub, count: SFC_GET_FORMAT_SUBTYPE_COUNT, get: SFC_GET_FORMAT_SUBTYPE)
    }

    /// True for encodings whose frame count in the header is an estimate (MPEG without a seek table).
    static func hasEstimatedLength(_ format: Int32) -> Bool {
        Int(format) & Int(SF_FORMAT_TYPEMASK) == Int(SF_FORMAT_MPEG)
    }

    private static let majorNames: [Int: String] = [
        Int(SF_FORMAT_WAV): "WAV", Int(SF_FORMAT_AIFF): "AIFF", Int(SF_FORMAT_AU): "AU",
        Int(SF_FORMAT_RAW): "RAW", Int(SF_FORMAT_PAF): "PAF", Int(SF_FORMAT_SVX): "SVX",
        Int(SF_FORMAT_NIST): "NIST", Int(SF_FORMAT_VOC): "VOC", Int(SF_FORMAT_IRCAM): "IRCAM",
        Int(SF_FORMAT_W64): "W64", Int(SF_FORMAT_MAT4): "MAT4", Int(SF_FORMAT_MAT5): "MAT5",
        Int(SF_FORMAT_PVF): "PVF", Int(SF_FORMAT_XI): "XI", Int(SF_FORMAT_HTK): "HTK",
        Int(SF_FORMAT_SDS): "SDS", Int(SF_FORMAT_AVR): "AVR", Int(SF_FORMAT_WAVEX): "WAVEX",
        Int(SF_FORMAT_SD2): "SD2", Int(SF_FORMAT_FLAC): "FLAC", Int(SF_FORMAT_CAF): "CAF",
        Int(SF_FORMAT_WVE): "WVE", Int(SF_FORMAT_OGG): "OGG", Int(SF_FORMAT_MPC2K): "MPC2K",
        Int(SF_FORMAT_RF64): "RF64", Int(SF_FORMAT_MPEG): "MP3",
    ]

    private static let subtypeNames: [Int: String] = [
        Int(SF_FORMAT_PCM_S8): "PCM_S8", Int(SF_FORMAT_PCM_16): "PCM_16", Int(SF_FORMAT_PCM_24): "PCM_24",
        Int(SF_FORMAT_PCM_32): "PCM_32", Int(SF_FORMAT_PCM_U8): "PCM_U8", Int(SF_FORMAT_FLOAT): "FLOAT",
        Int(SF_FORMAT_DOUBLE): "DOUBLE", Int(SF_FORMAT_ULAW): "ULAW", Int(SF_FORMAT_ALAW): "ALAW",
        Int(SF_FORMAT_IMA_ADPCM): "IMA_ADPCM", Int(SF_FORMAT_MS_ADPCM): "MS_ADPCM",
        Int(SF_FORMAT_GSM610): "GSM610", Int(SF_FORMAT_VOX_ADPCM): "VOX_ADPCM",
        Int(SF_FORMAT_NMS_ADPCM_16): "NMS_ADPCM_16", Int(SF_FORMAT_NMS_ADPCM_24): "NMS_ADPCM_24",
        Int(SF_FORMAT_NMS_ADPCM_32): "NMS_ADPCM_32", Int(SF_FORMAT_G721_32): "G721_32",
        Int(SF_FORMAT_G723_24): "G723_24", Int(SF_FORMAT_G723_40): "G723_40",
        Int(SF_FORMAT_DWVW_12): "DWVW_12", Int(SF_FORMAT_DWVW_16): "DWVW_16", Int(SF_FORMAT_DWVW_24): "DWVW_24",
        Int(SF_FORMAT_DWVW_N): "DWVW_N", Int(SF_FORMAT_DPCM_8): "DPCM_8", Int(SF_FORMAT_DPCM_16): "DPCM_16",
        Int(SF_FORMAT_VORBIS): "VORBIS", Int(SF_FORMAT_OPUS): "OPUS",
        Int(SF_FORMAT_ALAC_16): "ALAC_16", Int(SF_FORMAT_ALAC_20): "ALAC_20", Int(SF_FORMAT_ALAC_24): "ALAC_24",
        Int(SF_FORMAT_ALAC_32): "ALAC_32", Int(SF_FORMAT_MPEG_LAYER_I): "MPEG_LAYER_I",
        Int(SF_FORMAT_MPEG_LAYER_II): "MPEG_LAYER_II", Int(SF_FORMAT_MPEG_LAYER_III): "MPEG_LAYER_III",
    ]

    /// Falls back to libsndfile's own description for a code missing from the tables above.
    private static func libraryName(_ code: Int, count countCommand: Int, get getCommand: Int) -> String {
        var count: Int32 = 0
        sf_command(nil, Int32(countCommand), &count, Int32(MemoryLayout<Int32>.size))
        for i in 0..<count {
            var info = SF_FORMAT_INFO()
            info.format = i
            sf_command(nil, Int32(getCommand), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            if Int(info.format) == code, let name = info.name { return String(cString: name) }
        }
        return "0x\(String(code, radix: 16))"
    }
}
