package arcus.gpu;
