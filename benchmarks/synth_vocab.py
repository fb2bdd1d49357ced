"""Word lists for the synthetic KB: real ML/systems names so tags, names and text look like a real KB."""

from __future__ import annotations

FRAMEWORKS = ("tensorflow", "tflite", "onnx", "pytorch", "armnn", "tensorrt", "openvino", "caffe",
              "mxnet", "tvm", "ncnn", "armcl")  # fmt: skip
TASKS = ("image-classification", "object-detection", "semantic-segmentation", "translation",
         "speech-recognition", "question-answering", "recommendation", "super-resolution")  # fmt: skip
ARCHS = {
    "image-classification": ("resnet50", "resnet101", "mobilenet-v1", "mobilenet-v2", "mobilenet-v3",
                             "efficientnet-b0", "inception-v3", "squeezenet", "vgg16", "alexnet"),
    "object-detection": ("ssd-mobilenet-v1", "ssd-resnet34", "yolo-v3", "faster-rcnn", "retinanet"),
    "semantic-segmentation": ("deeplab-v3", "unet", "fcn-resnet50"),
    "translation": ("gnmt", "transformer-base", "transformer-big"),
    "speech-recognition": ("rnnt", "deepspeech2", "wav2letter"),
    "question-answering": ("bert-base", "bert-large", "distilbert", "mobilebert"),
    "recommendation": ("dlrm", "ncf", "wide-and-deep"),
    "super-resolution": ("espcn", "srgan", "edsr"),
}  # fmt: skip
DATASETS = {
    "image-classification": ("imagenet-2012-val", "imagenet-2012-train", "cifar-10", "cifar-100"),
    "object-detection": ("coco-2017-val", "coco-2014-val", "pascal-voc-2012", "open-images-v6"),
    "semantic-segmentation": ("cityscapes", "ade20k", "pascal-voc-2012-seg"),
    "translation": ("wmt16-en-de", "wmt14-en-fr"),
    "speech-recognition": ("librispeech-dev-clean", "librispeech-test-other"),
    "question-answering": ("squad-v1.1", "squad-v2.0"),
    "recommendation": ("criteo-terabyte", "movielens-20m"),
    "super-resolution": ("div2k", "set14"),
}  # fmt: skip
PRECISIONS = ("fp32", "fp16", "bf16", "int8", "uint8")
COMPILERS = ("gcc", "llvm", "clang", "icc", "nvcc", "aocc", "armclang", "msvc")
LIBS = ("openblas", "mkl", "mkldnn", "cudnn", "cublas", "opencl", "eigen", "boost", "protobuf", "opencv",
        "loadgen", "numpy", "scipy", "pillow", "armcl", "xnnpack", "ruy", "gemmlowp", "clblast", "libjpeg")  # fmt: skip
TOOLS = ("cmake", "bazel", "make", "ninja", "python", "git", "wget", "unzip", "docker", "adb")
LANGS = ("c", "cpp", "python", "java", "rust", "go")
VENDORS = ("Arm", "Intel", "AMD", "NVIDIA", "Qualcomm", "Google", "Huawei", "Alibaba", "Samsung",
           "Rockchip", "MediaTek", "Apple", "Graphcore", "Habana", "Xilinx", "Raspberry Pi")  # fmt: skip
PROCESSORS = ("Cortex-A72", "Cortex-A53", "Cortex-A76", "Cortex-A55", "Xeon Platinum 8180",
              "Xeon Gold 6248", "EPYC 7742", "Core i7-8700K", "Snapdragon 855", "Kirin 980",
              "Exynos 9820", "Ryzen 9 3950X", "Neoverse N1", "Apple M1", "Carmel ARMv8.2")  # fmt: skip
ACCELERATORS = ("", "", "", "Tesla T4", "Tesla V100", "A100", "Mali-T860", "Mali-G76", "Adreno 640",
                "Edge TPU", "Jetson AGX Xavier", "Myriad X", "Hexagon 690", "Goya HL-100", "IPU")  # fmt: skip
OSES = ("Ubuntu 18.04", "Ubuntu 20.04", "Debian 10", "Android 9", "Android 10", "CentOS 7",
        "Raspbian Buster", "Yocto", "macOS 11", "Windows 10")  # fmt: skip
FORM_FACTORS = ("mobile", "edge", "datacenter", "desktop", "embedded")
SCENARIOS = ("SingleStream", "MultiStream", "Server", "Offline")
SCENARIO_METRIC = {
    "SingleStream": ("latency", "ms", "lower"), "MultiStream": ("streams", "streams", "higher"),
    "Server": ("throughput", "queries/s", "higher"), "Offline": ("throughput", "samples/s", "higher"),
}  # fmt: skip
SUBMITTERS = ("dividiti", "Google", "NVIDIA", "Intel", "Alibaba", "Habana Labs", "Qualcomm", "Arm",
              "Hailo", "Centaur", "FuriosaAI", "Tencent", "cTuning", "Krai", "Dell", "Lenovo")  # fmt: skip
BENCH_SUITES = ("mlperf-inference-v0.5", "mlperf-inference-v0.7", "mlperf-inference-v1.0",
                "mlperf-training-v0.7", "mobilenets-armcl-tflite", "ck-crowd-tuning")  # fmt: skip
AUTHORS = (("cTuning foundation", "admin@cTuning.org", "http://cTuning.org"),
           ("dividiti", "info@dividiti.com", "http://dividiti.com"),
           ("Grigori Fursin", "Grigori.Fursin@cTuning.org", "http://fursin.net"),
           ("Anton Lokhmotov", "anton@dividiti.com", "http://dividiti.com"),
           ("Reef KB contributors", "kb@reef-kb.org", "https://reef-kb.org"))  # fmt: skip
LICENSES = ("Apache-2.0", "MIT", "BSD-3-Clause", "CC-BY-4.0", "GPL-3.0-only")
WORDS = ("benchmark", "latency", "throughput", "accuracy", "quantized", "kernel", "convolution", "batch",
         "inference", "training", "workload", "portable", "workflow", "reproducible", "experiment",
         "dataset", "compiler", "optimization", "autotuning", "platform", "memory", "bandwidth", "cache",
         "thread", "scheduler", "accelerator", "precision", "calibration", "preprocessing", "pipeline",
         "package", "dependency", "version", "environment", "artifact", "submission", "scenario",
         "validation", "model", "weights", "tensor", "layer", "operator", "graph", "runtime", "energy",
         "power", "frequency", "governor", "board", "device", "cluster", "node", "results", "report",
         "measurement", "variance", "median", "percentile", "stability", "regression", "loadgen",
         "harness", "crowd", "community", "collective", "knowledge", "component", "reuse", "meta",
         "the", "a", "of", "to", "and", "with", "for", "on", "in", "is", "we", "this", "that", "by",
         "from", "each", "across", "when", "it", "can", "be", "are", "as", "using", "which")  # fmt: skip
