package arcus.nn;
