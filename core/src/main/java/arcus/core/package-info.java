package arcus.core;
